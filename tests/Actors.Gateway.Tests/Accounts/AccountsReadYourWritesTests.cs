using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Gateway.News;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Accounts;

/// <summary>
/// Read-your-writes for the accounts: a client that opened, paid in, took out or transferred reads it at once from its
/// list, its summary and the statements, through the cookie the writes set or the header a cookie-less client sends back;
/// a read without a token, or with someone else's or a malformed one, does not wait at all.
/// </summary>
[Collection(GatewayCollection.Name)]
public class AccountsReadYourWritesTests(GatewayFactory gateway) : AccountsApiTestBase(gateway)
{
    private ReadYourWrites.Waits Waits => Gateway.Services.GetRequiredService<ReadYourWrites.Waits>();

    [Fact]
    public async Task Given_a_client_that_keeps_cookies_when_it_reads_right_after_each_deposit_withdrawal_transfer_or_opening_then_not_one_of_1000_reads_is_stale()
    {
        var (client, _, _) = await SignedInUser();
        var (stranger, _, _) = await SignedInUser();
        var theirs = await OpenAccount(stranger);
        var a = await OpenAccount(client);
        var b = await OpenAccount(client);
        long balanceA = 0, balanceB = 0;
        var reads = 0;

        for (var round = 1; reads < 1000; round++)
        {
            // A deposit: in the summary (line and total) and at the end of the statement.
            await Write(client, $"/api/accounts/{a}/deposit", new { amount = 1000 });
            balanceA += 1000;
            await AssertBalances(client, (a, balanceA), (b, balanceB));
            var statement = await Read(client, $"/api/accounts/{a}/statement");
            reads += 2;
            Assert.Equal(balanceA, statement.GetProperty("balance").GetInt64());
            Assert.Equal("deposit", statement.GetProperty("entries")[statement.GetProperty("entries").GetArrayLength() - 1].GetProperty("kind").GetString());

            // A withdrawal.
            await Write(client, $"/api/accounts/{a}/withdraw", new { amount = 300 });
            balanceA -= 300;
            Assert.Equal(balanceA, (await Read(client, $"/api/accounts/{a}/statement")).GetProperty("balance").GetInt64());
            await AssertBalances(client, (a, balanceA), (b, balanceB));
            reads += 2;

            // A transfer between the client's own accounts: both statements and both lines.
            await Write(client, "/api/transfers", new { from = a, to = b, amount = 200 });
            balanceA -= 200;
            balanceB += 200;
            Assert.Equal(balanceB, (await Read(client, $"/api/accounts/{b}/statement")).GetProperty("balance").GetInt64());
            Assert.Equal(balanceA, (await Read(client, $"/api/accounts/{a}/statement")).GetProperty("balance").GetInt64());
            await AssertBalances(client, (a, balanceA), (b, balanceB));
            reads += 3;

            // A transfer to someone else's account: the source at once, and no wait for the target, never in this summary.
            await Write(client, "/api/transfers", new { from = a, to = theirs, amount = 100 });
            balanceA -= 100;
            await AssertBalances(client, (a, balanceA), (b, balanceB));
            reads++;

            if (round % 25 == 0)
            {
                // An opening: in the list at once. (Not a count: the account opened for the registration comes when it comes.)
                var opened = await Write(client, "/api/accounts", new { currency = "EUR" });
                var list = await Read(client, "/api/accounts");
                reads++;
                Assert.Contains(list.EnumerateArray(), l => l.GetProperty("id").GetString() == opened.GetProperty("id").GetString());
            }
        }
    }

    [Fact]
    public async Task Given_a_client_without_cookies_when_it_sends_back_the_last_written_header_then_it_reads_each_transfer_at_once_and_the_token_names_both_legs()
    {
        var (_, userId, token) = await SignedInUser();
        using var client = Gateway.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var (stranger, _, _) = await SignedInUser();
        var theirs = Guid.Parse(await OpenAccount(stranger));
        string? written = null;
        var from = Guid.Parse((await Json(await Send(client, HttpMethod.Post, "/api/accounts", new { currency = "EUR" }, null))).GetProperty("id").GetString()!);

        using (var deposit = await Send(client, HttpMethod.Post, $"/api/accounts/{from}/deposit", new { amount = 10_000 }, written))
        {
            written = Assert.Single(deposit.Headers.GetValues(ReadYourWrites.Header));
        }

        for (var i = 1; i <= 50; i++)
        {
            using var transfer = await Send(client, HttpMethod.Post, "/api/transfers", new { from, to = theirs, amount = 10 }, written);
            Assert.Equal(HttpStatusCode.Created, transfer.StatusCode);
            written = Assert.Single(transfer.Headers.GetValues(ReadYourWrites.Header));
            Assert.StartsWith($"{userId}_", written, StringComparison.Ordinal);
            Assert.Matches($"_a{from:N}\\.\\d+(_|$)", written);
            Assert.Matches($"_a{theirs:N}\\.\\d+t(_|$)", written);

            using var read = await Send(client, HttpMethod.Get, $"/api/accounts/{from}/statement", null, written);
            Assert.False(read.Headers.Contains(ReadYourWrites.StaleHeader));
            Assert.Equal(10_000 - (10 * i), (await Json(read)).GetProperty("balance").GetInt64());
            using var summary = await Send(client, HttpMethod.Get, "/api/accounts/summary", null, written);
            Assert.False(summary.Headers.Contains(ReadYourWrites.StaleHeader));
            var line = (await Json(summary)).GetProperty("accounts").EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == from);
            Assert.Equal(10_000 - (10 * i), line.GetProperty("balance").GetInt64());
        }
    }

    [Fact]
    public async Task Given_a_token_naming_a_version_the_account_never_reaches_when_its_statement_is_read_then_the_wait_ends_within_its_bound_and_says_so()
    {
        var (_, userId, token) = await SignedInUser();
        using var client = Gateway.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var account = Guid.Parse(await OpenAccount(client));

        using var read = await Send(client, HttpMethod.Get, $"/api/accounts/{account}/statement", null, $"{userId}_a{account:N}.999999");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("1", Assert.Single(read.Headers.GetValues(ReadYourWrites.StaleHeader)));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("someone else's")]
    [InlineData("a{0}_a123.4")]
    [InlineData("{0}_a{1}.x")]
    [InlineData("{0}_a{1}")]
    [InlineData("{0}_a{1}.5z")]
    public async Task Given_a_read_without_a_token_of_its_own_when_the_summary_list_and_statement_are_read_then_none_waits(string token)
    {
        var (client, userId, _) = await SignedInUser();
        using var plain = Gateway.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        plain.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        var account = Guid.Parse(await OpenAccount(plain));
        // Someone else's token is well-formed and names this very account, at a version it will never reach.
        var sent = token switch
        {
            "none" => null,
            "someone else's" => $"{userId + 1_000_000}_a{account:N}.999999",
            _ => string.Format(System.Globalization.CultureInfo.InvariantCulture, token, userId, account.ToString("N")),
        };
        var waitsBefore = Waits.Started;

        foreach (var path in new[] { "/api/accounts/summary", "/api/accounts", $"/api/accounts/{account}/statement" })
        {
            using var read = await Send(plain, HttpMethod.Get, path, null, sent);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.False(read.Headers.Contains(ReadYourWrites.StaleHeader), path);
        }

        // Not one of them went into the wait (no poll, not even one look that found the writes held).
        Assert.Equal(waitsBefore, Waits.Started);
    }

    [Fact]
    public async Task Given_a_refused_account_write_when_it_answers_then_it_remembers_nothing()
    {
        var (client, _, _) = await SignedInUser();
        var account = await OpenAccount(client);

        using var response = await client.PostAsJsonAsync($"/api/accounts/{account}/withdraw", new { amount = 5 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.False(response.Headers.Contains(ReadYourWrites.Header));
    }

    [Fact]
    public async Task Given_a_browser_that_pays_in_when_it_loads_its_accounts_page_or_the_statement_page_at_once_then_each_shows_the_new_balance()
    {
        var (client, _, _) = await SignedInUser();
        var account = await OpenAccount(client);

        for (var round = 1; round <= 100; round++)
        {
            await Write(client, $"/api/accounts/{account}/deposit", new { amount = 100 });
            var balance = $"{round}.00";

            var accounts = await client.GetStringAsync("/accounts");
            Assert.Contains($"<td class=\"balance\">{balance}</td>", accounts, StringComparison.Ordinal);
            var statement = await client.GetStringAsync($"/accounts/{account}");
            Assert.Contains($"data-account-id=\"{account}\">{balance}</b>", statement, StringComparison.Ordinal);
        }
    }

    private static async Task<JsonElement> Write(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.True(response.Headers.Contains(ReadYourWrites.Header), $"{path} named no write");
        return await Json(response);
    }

    private static async Task<JsonElement> Read(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains(ReadYourWrites.StaleHeader), $"{path} was served stale");
        return await Json(response);
    }

    private static async Task AssertBalances(HttpClient client, params (string Id, long Balance)[] expected)
    {
        var summary = await Read(client, "/api/accounts/summary");
        foreach (var (id, balance) in expected)
        {
            var line = summary.GetProperty("accounts").EnumerateArray().Single(l => l.GetProperty("id").GetString() == id);
            Assert.Equal(balance, line.GetProperty("balance").GetInt64());
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object? body, string? written)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (written is not null)
        {
            request.Headers.Add(ReadYourWrites.Header, written);
        }

        return await client.SendAsync(request);
    }
}

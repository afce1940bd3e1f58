using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Actors.Accounts;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Accounts;

[Collection(GatewayCollection.Name)]
public class AccountsApiTests(GatewayFactory gateway) : AccountsApiTestBase(gateway)
{
    [Fact]
    public async Task Opening_an_account_answers_201_with_the_account_view()
    {
        var (client, userId, _) = await SignedInUser();

        var response = await client.PostAsJsonAsync("/api/accounts", new { currency = "USD" });
        var body = await Json(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(userId, body.GetProperty("owner").GetInt64());
        Assert.Equal(("USD", 0L, 1L, "open"), (body.GetProperty("currency").GetString(), body.GetProperty("balance").GetInt64(),
            body.GetProperty("version").GetInt64(), body.GetProperty("status").GetString()));
        Assert.True(body.TryGetProperty("openedAt", out _));
        Assert.Equal($"/api/accounts/{body.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Opening_without_a_body_uses_euros()
    {
        var (client, _, _) = await SignedInUser();

        var response = await client.PostAsync("/api/accounts", null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("EUR", (await Json(response)).GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Deposits_and_withdrawals_answer_the_new_view_and_an_overdraft_is_a_409()
    {
        var (client, _, _) = await SignedInUser();
        var id = await OpenAccount(client, deposit: 1_000);

        var withdrawn = await client.PostAsJsonAsync($"/api/accounts/{id}/withdraw", new { amount = 400 });
        var overdraft = await client.PostAsJsonAsync($"/api/accounts/{id}/withdraw", new { amount = 601 });

        Assert.Equal(600, (await Json(withdrawn)).GetProperty("balance").GetInt64());
        await AssertProblem(overdraft, HttpStatusCode.Conflict);
        Assert.Equal("insufficient-funds", (await Json(overdraft)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"amount\":\"100\"}")]
    [InlineData("{\"amount\":1.5}")]
    [InlineData("{\"amount\":0}")]
    [InlineData("{\"amount\":-100}")]
    [InlineData("{\"amount\":1e3}")]
    [InlineData("{\"amount\":1000000000001}")]
    [InlineData("{\"amount\":99999999999999999999999999999}")]
    [InlineData("{\"amount\":null}")]
    [InlineData("[1,2]")]
    [InlineData("{\"amount\":")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("")]
    public async Task A_malformed_amount_or_body_is_a_400_and_changes_nothing(string body)
    {
        var (client, _, _) = await SignedInUser();
        var id = await OpenAccount(client, deposit: 100);

        var response = await client.PostAsync($"/api/accounts/{id}/deposit", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(100, (await Json(await client.GetAsync($"/api/accounts/{id}"))).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task An_oversized_body_is_refused()
    {
        var (client, _, _) = await SignedInUser();
        var id = await OpenAccount(client);

        var response = await client.PostAsync($"/api/accounts/{id}/deposit",
            new StringContent($"{{\"amount\":1,\"pad\":\"{new string('x', 100_000)}\"}}", Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused()
    {
        var (client, _, _) = await SignedInUser();
        var id = await OpenAccount(client);

        var response = await client.PostAsync($"/api/accounts/{id}/deposit", new StringContent("amount=5", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await AssertProblem(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("{\"currency\":\"euro\"}")]
    [InlineData("{\"currency\":12}")]
    [InlineData("{\"currency\":\"\"}")]
    [InlineData("{\"currency\":\"E\\u0000R\"}")]
    public async Task A_bad_currency_is_a_400(string body)
    {
        var (client, _, _) = await SignedInUser();

        var response = await client.PostAsync("/api/accounts", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("%27%20OR%201%3D1")]
    [InlineData("%3Cscript%3E")]
    public async Task A_malformed_account_id_is_a_400_on_every_account_route(string id)
    {
        var (client, _, _) = await SignedInUser();

        await AssertProblem(await client.GetAsync($"/api/accounts/{id}"), HttpStatusCode.BadRequest);
        await AssertProblem(await client.GetAsync($"/api/accounts/{id}/events"), HttpStatusCode.BadRequest);
        await AssertProblem(await client.GetAsync($"/api/accounts/{id}/statement"), HttpStatusCode.BadRequest);
        await AssertProblem(await client.PostAsJsonAsync($"/api/accounts/{id}/deposit", new { amount = 1 }), HttpStatusCode.BadRequest);
        await AssertProblem(await client.PostAsJsonAsync($"/api/accounts/{id}/withdraw", new { amount = 1 }), HttpStatusCode.BadRequest);
        await AssertProblem(await client.PostAsJsonAsync($"/api/accounts/{id}/close", new { }), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("semi%3Bcolon")]
    [InlineData("%3Cscript%3E")]
    [InlineData("%C3%BCnicode")]
    public async Task A_malformed_transfer_id_in_the_route_is_a_400(string id)
    {
        var (client, _, _) = await SignedInUser();

        await AssertProblem(await client.GetAsync($"/api/transfers/{id}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_very_long_account_id_is_a_400()
    {
        var (client, _, _) = await SignedInUser();

        await AssertProblem(await client.GetAsync($"/api/accounts/{new string('a', 5000)}"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Without_credentials_every_route_is_a_401()
    {
        var anonymous = Gateway.CreateClient();
        var stranger = Gateway.CreateClient();
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PasswordHashing.NewToken());
        var id = Guid.NewGuid();

        foreach (var client in new[] { anonymous, stranger })
        {
            await AssertProblem(await client.GetAsync("/api/accounts"), HttpStatusCode.Unauthorized);
            await AssertProblem(await client.PostAsJsonAsync("/api/accounts", new { currency = "EUR" }), HttpStatusCode.Unauthorized);
            await AssertProblem(await client.GetAsync($"/api/accounts/{id}"), HttpStatusCode.Unauthorized);
            await AssertProblem(await client.PostAsJsonAsync($"/api/accounts/{id}/deposit", new { amount = 1 }), HttpStatusCode.Unauthorized);
            await AssertProblem(await client.PostAsJsonAsync("/api/transfers", new { from = id, to = id, amount = 1 }), HttpStatusCode.Unauthorized);
            await AssertProblem(await client.GetAsync("/api/transfers/abc"), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Another_users_account_is_a_404_on_every_route_and_shows_no_data()
    {
        var (owner, _, _) = await SignedInUser();
        var (other, _, _) = await SignedInUser();
        var id = await OpenAccount(owner, deposit: 777_777);
        var mine = await OpenAccount(other);

        var responses = new[]
        {
            await other.GetAsync($"/api/accounts/{id}"),
            await other.GetAsync($"/api/accounts/{id}?asOf=1"),
            await other.GetAsync($"/api/accounts/{id}/events"),
            await other.GetAsync($"/api/accounts/{id}/statement"),
            await other.PostAsJsonAsync($"/api/accounts/{id}/deposit", new { amount = 1 }),
            await other.PostAsJsonAsync($"/api/accounts/{id}/withdraw", new { amount = 1 }),
            await other.PostAsJsonAsync($"/api/accounts/{id}/close", new { }),
            await other.PostAsJsonAsync("/api/transfers", new { from = id, to = mine, amount = 1 }),
        };

        foreach (var response in responses)
        {
            await AssertProblem(response, HttpStatusCode.NotFound);
            Assert.DoesNotContain("777", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(777_777, (await Json(await owner.GetAsync($"/api/accounts/{id}"))).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task A_missing_account_is_a_404()
    {
        var (client, _, _) = await SignedInUser();

        await AssertProblem(await client.GetAsync($"/api/accounts/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_history_and_the_state_as_of_a_version_or_an_instant()
    {
        var (client, _, _) = await SignedInUser();
        var id = await OpenAccount(client, deposit: 100);
        var afterDeposit = DateTimeOffset.UtcNow;
        await Task.Delay(20); // real clock in the gateway: the next event must be recorded strictly later
        await client.PostAsJsonAsync($"/api/accounts/{id}/withdraw", new { amount = 40 });

        var events = await Json(await client.GetAsync($"/api/accounts/{id}/events"));
        var asOfVersion = await Json(await client.GetAsync($"/api/accounts/{id}?asOf=2"));
        var asOfInstant = await Json(await client.GetAsync($"/api/accounts/{id}?asOf={Uri.EscapeDataString(afterDeposit.ToString("O"))}"));

        Assert.Equal(["accounts.account-opened", "accounts.money-deposited", "accounts.money-withdrawn"],
            events.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var withdrawal = events[2];
        Assert.Equal(3, withdrawal.GetProperty("version").GetInt64());
        Assert.Equal(40, withdrawal.GetProperty("data").GetProperty("amount").GetInt64());
        Assert.True(withdrawal.TryGetProperty("at", out _));
        Assert.Equal((100L, 2L), (asOfVersion.GetProperty("balance").GetInt64(), asOfVersion.GetProperty("version").GetInt64()));
        Assert.Equal(100, asOfInstant.GetProperty("balance").GetInt64());
        await AssertProblem(await client.GetAsync($"/api/accounts/{id}?asOf=yesterday"), HttpStatusCode.BadRequest);
        await AssertProblem(await client.GetAsync($"/api/accounts/{id}?asOf=2000-01-01T00:00:00Z"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_statement_shows_movements_with_running_balance()
    {
        var (client, _, _) = await SignedInUser();
        var id = await OpenAccount(client, deposit: 100);
        await client.PostAsJsonAsync($"/api/accounts/{id}/withdraw", new { amount = 30 });

        var entries = default(JsonElement);
        await Eventually(async () =>
        {
            entries = (await Json(await client.GetAsync($"/api/accounts/{id}/statement"))).GetProperty("entries");
            return entries.GetArrayLength() == 2;
        });

        Assert.Equal([100L, 70], entries.EnumerateArray().Select(e => e.GetProperty("balance").GetInt64()));
        Assert.Equal([100L, -30], entries.EnumerateArray().Select(e => e.GetProperty("amount").GetInt64()));
    }

    [Fact]
    public async Task The_callers_accounts_are_listed_including_the_first_account_opened_at_registration()
    {
        var (client, userId, _) = await SignedInUser();
        var id = await OpenAccount(client, deposit: 5);

        var ids = Array.Empty<string?>();
        await Eventually(async () =>
        {
            ids = (await Json(await client.GetAsync("/api/accounts"))).EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToArray();
            return ids.Length == 2;
        });

        Assert.Contains(id, ids);
        Assert.Contains((await SignUp.FirstAccountAsync(Grains, userId)).ToString(), ids);
        var summary = await Json(await client.GetAsync("/api/accounts/summary"));
        Assert.Equal(5, summary.GetProperty("totals")[0].GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task Closing_needs_a_zero_balance()
    {
        var (client, _, _) = await SignedInUser();
        var id = await OpenAccount(client, deposit: 5);

        var refused = await client.PostAsync($"/api/accounts/{id}/close", null);
        await client.PostAsJsonAsync($"/api/accounts/{id}/withdraw", new { amount = 5 });
        var closed = await client.PostAsync($"/api/accounts/{id}/close", null);

        await AssertProblem(refused, HttpStatusCode.Conflict);
        Assert.Equal("closed", (await Json(closed)).GetProperty("status").GetString());
        await AssertProblem(await client.PostAsJsonAsync($"/api/accounts/{id}/deposit", new { amount = 1 }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_cookie_authenticated_change_must_declare_json_which_a_cross_site_form_cannot()
    {
        var (_, _, token) = await SignedInUser();
        var client = Gateway.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", $"auth={token}");
        var created = await client.PostAsync("/api/accounts", new StringContent("{}", Encoding.UTF8, "application/json"));
        var id = (await Json(created)).GetProperty("id").GetString();

        var forged = await client.PostAsync($"/api/accounts/{id}/close", new StringContent("", Encoding.UTF8, "text/plain"));
        var read = await client.GetAsync($"/api/accounts/{id}");

        await AssertProblem(forged, HttpStatusCode.Forbidden);
        Assert.Equal("open", (await Json(read)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_routes_are_in_the_openapi_document()
    {
        var document = await Json(await Gateway.CreateClient().GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");

        foreach (var path in new[] { "/api/accounts", "/api/accounts/{id}", "/api/accounts/{id}/deposit", "/api/accounts/{id}/withdraw",
                     "/api/accounts/{id}/close", "/api/accounts/{id}/events", "/api/accounts/{id}/statement", "/api/transfers", "/api/transfers/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        Assert.Equal("StartTransfer", paths.GetProperty("/api/transfers").GetProperty("post").GetProperty("operationId").GetString());
        Assert.True(paths.GetProperty("/api/accounts/{id}/deposit").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
    }
}

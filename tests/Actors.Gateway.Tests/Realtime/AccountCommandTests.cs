using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Actors.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Realtime;

/// <summary>The account and transfer commands of <c>/ws</c>: the REST routes' checks, rules and views, through the other door.</summary>
[Collection(RealtimeCollection.Name)]
public class AccountCommandTests(RealtimeGatewayFactory gateway)
{
    private IGrainFactory Grains => gateway.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task Opening_depositing_withdrawing_and_closing_over_the_socket_answer_the_account_and_the_position_of_each_change()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);

        var opened = await ws.RequestAsync("account.open", new { currency = "USD" });
        var account = opened.GetProperty("data").GetProperty("id").GetString();
        var deposited = await ws.RequestAsync("account.deposit", new { account, amount = 1250 });
        var withdrawn = await ws.RequestAsync("account.withdraw", new { account, amount = 1250 });
        var closed = await ws.RequestAsync("account.close", new { account });

        Assert.True(opened.Event() == "ok", opened.ToString());
        Assert.Equal("USD", opened.GetProperty("data").GetProperty("currency").GetString());
        Assert.Equal(user.Id, opened.GetProperty("data").GetProperty("owner").GetInt64());
        Assert.Equal(1250, deposited.GetProperty("data").GetProperty("balance").GetInt64());
        Assert.Equal(0, withdrawn.GetProperty("data").GetProperty("balance").GetInt64());
        Assert.Equal("closed", closed.GetProperty("data").GetProperty("status").GetString());
        Assert.True(opened.Position() > 0);
        Assert.True(deposited.Position() > opened.Position());
        Assert.True(withdrawn.Position() > deposited.Position());
        Assert.True(closed.Position() > withdrawn.Position());
    }

    [Fact]
    public async Task A_deposit_reply_carries_the_position_of_its_push_on_the_account_channel()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var account = await OpenAsync(ws);
        await ws.RequestAsync("subscribe", new { channel = $"account.{account}" });

        var deposited = await ws.RequestAsync("account.deposit", new { account, amount = 700 });
        var push = await ws.PushAsync(p => p.Event() == "accounts.money-deposited" && p.Position() >= deposited.Position());

        Assert.Equal(deposited.Position(), push.Position());
        Assert.Equal(700, push.GetProperty("data").GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task A_change_over_the_socket_is_what_the_rest_api_shows_and_a_rest_change_carries_its_position_in_a_header()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var account = await OpenAsync(ws);
        using var http = Http(user);

        await ws.RequestAsync("account.deposit", new { account, amount = 300 });
        var viaRest = await http.GetFromJsonAsync<JsonElement>($"/api/accounts/{account}");
        using var restDeposit = await http.PostAsJsonAsync($"/api/accounts/{account}/deposit", new { amount = 200 });
        var viaSocket = await ws.RequestAsync("account.get", new { account });
        var history = await ws.RequestAsync("account.history", new { account });

        Assert.Equal(300, viaRest.GetProperty("balance").GetInt64());
        Assert.Equal(HttpStatusCode.OK, restDeposit.StatusCode);
        Assert.True(long.Parse(restDeposit.Headers.GetValues("X-Event-Position").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(500, viaSocket.GetProperty("data").GetProperty("balance").GetInt64());
        Assert.Equal(0, viaSocket.Position());
        Assert.Equal(
            "accounts.account-opened accounts.money-deposited accounts.money-deposited",
            string.Join(' ', history.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString())));
    }

    [Fact]
    public async Task Reading_an_account_as_it_was_at_a_version_answers_that_version()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var account = await OpenAsync(ws);
        await ws.RequestAsync("account.deposit", new { account, amount = 100 });
        await ws.RequestAsync("account.deposit", new { account, amount = 100 });

        var asNumber = await ws.RequestAsync("account.get", new { account, asOf = 2 });
        var asString = await ws.RequestAsync("account.get", new { account, asOf = "2" });
        var garbage = await ws.RequestAsync("account.get", new { account, asOf = new { x = 1 } });

        Assert.Equal(100, asNumber.GetProperty("data").GetProperty("balance").GetInt64());
        Assert.Equal(100, asString.GetProperty("data").GetProperty("balance").GetInt64());
        Assert.StartsWith("'asOf' must be", garbage.Error());
    }

    [Theory]
    [InlineData("account.get")]
    [InlineData("account.deposit")]
    [InlineData("account.withdraw")]
    [InlineData("account.close")]
    [InlineData("account.history")]
    [InlineData("account.statement")]
    public async Task Another_users_account_is_answered_exactly_like_a_missing_one(string command)
    {
        var owner = await gateway.NewUserAsync();
        var stranger = await gateway.NewUserAsync();
        await using var ownerWs = await gateway.ConnectAsync(owner.Token);
        await using var strangerWs = await gateway.ConnectAsync(stranger.Token);
        var account = await OpenAsync(ownerWs);
        await ownerWs.RequestAsync("account.deposit", new { account, amount = 5000 });

        var theirs = await strangerWs.RequestAsync(command, new { account, amount = 10 });
        var missing = await strangerWs.RequestAsync(command, new { account = Guid.NewGuid(), amount = 10 });
        var after = await ownerWs.RequestAsync("account.get", new { account });

        Assert.Equal("error", theirs.Event());
        Assert.Equal(missing.GetRawText().Replace(missing.GetProperty("id").GetRawText(), "", StringComparison.Ordinal),
            theirs.GetRawText().Replace(theirs.GetProperty("id").GetRawText(), "", StringComparison.Ordinal));
        Assert.Equal("No such account.", theirs.Error());
        Assert.Equal("not-found", theirs.GetProperty("data").GetProperty("code").GetString());
        Assert.DoesNotContain("5000", theirs.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(5000, after.GetProperty("data").GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task A_transfer_over_the_socket_moves_the_money_once_and_answers_the_position_the_statement_reaches()
    {
        var payer = await gateway.NewUserAsync();
        var payee = await gateway.NewUserAsync();
        await using var payerWs = await gateway.ConnectAsync(payer.Token);
        await using var payeeWs = await gateway.ConnectAsync(payee.Token);
        var from = await OpenAsync(payerWs);
        var to = await OpenAsync(payeeWs);
        await payerWs.RequestAsync("account.deposit", new { account = from, amount = 1000 });
        await payerWs.RequestAsync("subscribe", new { channel = $"account.{from}" });
        var id = $"t{Guid.NewGuid():N}";

        var transfer = await payerWs.RequestAsync("transfer.create", new { id, from, to, amount = 400 });
        var again = await payerWs.RequestAsync("transfer.create", new { id, from, to, amount = 400 });
        var settledPush = await payerWs.PushAsync(p => p.Channel() == $"account.{from}" && p.Position() >= transfer.Position());
        var read = await payerWs.RequestAsync("transfer.get", new { id });
        var strangerRead = await payeeWs.RequestAsync("transfer.get", new { id });
        var payeeAccount = await payeeWs.RequestAsync("account.get", new { account = to });

        Assert.True(transfer.Event() == "ok", transfer.ToString());
        Assert.Equal("completed", transfer.GetProperty("data").GetProperty("status").GetString());
        Assert.True(transfer.Position() > 0);
        Assert.Equal(transfer.Position(), again.Position());
        Assert.Equal(600, settledPush.GetProperty("data").GetProperty("balance").GetInt64());
        Assert.Equal(400, read.GetProperty("data").GetProperty("amount").GetInt64());
        Assert.Equal("No such transfer.", strangerRead.Error());
        Assert.Equal(400, payeeAccount.GetProperty("data").GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task Transferring_out_of_someone_elses_account_is_answered_like_a_missing_account_and_moves_nothing()
    {
        var owner = await gateway.NewUserAsync();
        var thief = await gateway.NewUserAsync();
        await using var ownerWs = await gateway.ConnectAsync(owner.Token);
        await using var thiefWs = await gateway.ConnectAsync(thief.Token);
        var victim = await OpenAsync(ownerWs);
        var loot = await OpenAsync(thiefWs);
        await ownerWs.RequestAsync("account.deposit", new { account = victim, amount = 900 });

        var refused = await thiefWs.RequestAsync("transfer.create", new { from = victim, to = loot, amount = 900 });
        var missing = await thiefWs.RequestAsync("transfer.create", new { from = Guid.NewGuid(), to = loot, amount = 900 });

        Assert.Equal("No such account.", refused.Error());
        Assert.Equal(missing.Error(), refused.Error());
        Assert.Equal(900, (await Grains.GetGrain<IAccountGrain>(Guid.Parse(victim)).GetView())!.Balance);
    }

    [Fact]
    public async Task A_refusal_by_a_business_rule_carries_its_code_and_no_position()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var account = await OpenAsync(ws);

        var overdraft = await ws.RequestAsync("account.withdraw", new { account, amount = 1 });

        Assert.Equal("error", overdraft.Event());
        Assert.Equal("insufficient-funds", overdraft.GetProperty("data").GetProperty("code").GetString());
        Assert.Equal(0, overdraft.Position());
    }

    public static TheoryData<string, string, string> BadInput() => new()
    {
        // command, data (JSON, "{account}" replaced by an account of the caller), start of the error
        { "account.deposit", """{"account":"{account}"}""", "'amount' is required" },
        { "account.deposit", """{"account":"{account}","amount":"12"}""", "'amount' must be a whole number" },
        { "account.deposit", """{"account":"{account}","amount":12.5}""", "'amount' must be a whole number" },
        { "account.deposit", """{"account":"{account}","amount":0}""", "'amount' must be between 1 and" },
        { "account.deposit", """{"account":"{account}","amount":-5}""", "'amount' must be between 1 and" },
        { "account.deposit", """{"account":"{account}","amount":10000000000001}""", "'amount' must be between 1 and" },
        { "account.deposit", """{"account":"{account}","amount":1e400}""", "'amount' must be a whole number" },
        { "account.withdraw", """{"amount":5}""", "The account id must be a GUID." },
        { "account.withdraw", """{"account":42,"amount":5}""", "The account id must be a GUID." },
        { "account.withdraw", """{"account":"../../etc/passwd","amount":5}""", "The account id must be a GUID." },
        { "account.close", """{"account":"<script>alert(1)</script>"}""", "The account id must be a GUID." },
        { "account.get", """{"account":null}""", "The account id must be a GUID." },
        { "account.open", """{"currency":"EURO"}""", "'currency' must be a three-letter" },
        { "account.open", """{"currency":"eu€"}""", "'currency' must be a three-letter" },
        { "account.open", """{"currency":978}""", "'currency' must be a string." },
        { "transfer.create", """{"from":"{account}","amount":5}""", "'to' must be an account id" },
        { "transfer.create", """{"from":"{account}","to":"{account}","amount":5}""", "'from' and 'to' must be different" },
        { "transfer.create", """{"id":"a b","from":"{account}","to":"00000000-0000-0000-0000-000000000001","amount":5}""", "A transfer id is 1 to" },
        { "transfer.create", """{"id":["x"],"from":"{account}","to":"00000000-0000-0000-0000-000000000001","amount":5}""", "'id' must be a string." },
        { "transfer.create", """{"from":"{account}","to":"00000000-0000-0000-0000-000000000001"}""", "'amount' is required" },
        { "transfer.get", """{}""", "A transfer id is 1 to" },
        { "transfer.get", """{"id":"'; DROP TABLE events; --"}""", "A transfer id is 1 to" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Missing_malformed_and_hostile_input_is_refused_with_the_rest_sentence(string command, string data, string error)
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var account = await OpenAsync(ws);

        await ws.SendTextAsync($$"""{"event":"{{command}}","id":"bad","data":{{data.Replace("{account}", account, StringComparison.Ordinal)}}}""");
        var reply = await ws.ReplyAsync("bad");

        Assert.Equal("error", reply.Event());
        Assert.StartsWith(error, reply.Error(), StringComparison.Ordinal);
        Assert.Equal("bad-request", reply.GetProperty("data").GetProperty("code").GetString());
        Assert.Equal(0, (await Grains.GetGrain<IAccountGrain>(Guid.Parse(account)).GetView())!.Balance);
    }

    [Fact]
    public async Task An_oversized_account_id_or_transfer_id_is_refused_as_malformed()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var account = await OpenAsync(ws);
        var huge = new string('a', 3000);

        var deposit = await ws.RequestAsync("account.deposit", new { account = huge, amount = 1 });
        var transfer = await ws.RequestAsync("transfer.create", new { id = huge, from = account, to = Guid.NewGuid(), amount = 1 });
        var read = await ws.RequestAsync("transfer.get", new { id = huge });

        Assert.Equal("The account id must be a GUID.", deposit.Error());
        Assert.StartsWith("A transfer id is 1 to", transfer.Error(), StringComparison.Ordinal);
        Assert.StartsWith("A transfer id is 1 to", read.Error(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("account.open")]
    [InlineData("account.list")]
    [InlineData("account.deposit")]
    [InlineData("transfer.create")]
    [InlineData("transfer.get")]
    public async Task Account_commands_need_a_signed_in_user(string command)
    {
        await using var ws = await gateway.ConnectAsync();

        var reply = await ws.RequestAsync(command, new { account = Guid.NewGuid(), amount = 1 });

        Assert.Equal("Not authenticated.", reply.Error());
    }

    [Fact]
    public async Task Listing_over_the_socket_shows_the_callers_accounts_only()
    {
        var user = await gateway.NewUserAsync();
        var other = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        await using var otherWs = await gateway.ConnectAsync(other.Token);
        var mine = await OpenAsync(ws);
        await OpenAsync(otherWs);

        // The list is a read model fed by the account events: ask until it has the account just opened.
        var list = await UntilAsync(ws, "account.list", null, d => d.EnumerateArray().Any(a => a.GetProperty("id").GetString() == mine));

        Assert.All(list.EnumerateArray(), a => Assert.Equal(user.Id, a.GetProperty("owner").GetInt64()));
    }

    [Fact]
    public async Task The_statement_and_the_summary_over_the_socket_reach_the_position_of_a_deposit()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);
        var account = await OpenAsync(ws, "CHF");
        var deposited = await ws.RequestAsync("account.deposit", new { account, amount = 4200 });

        // Read models follow the events: ask until they show the deposit (the reply's version of the account).
        var version = deposited.GetProperty("data").GetProperty("version").GetInt64();
        var statement = await UntilAsync(ws, "account.statement", new { account }, d => d.GetProperty("version").GetInt64() >= version);
        var summary = await UntilAsync(ws, "account.summary", null, d => d.GetProperty("totals").EnumerateArray().Any(t => t.GetProperty("currency").GetString() == "CHF"));

        Assert.Equal(4200, statement.GetProperty("balance").GetInt64());
        Assert.Equal("deposit", statement.GetProperty("entries").EnumerateArray().Last().GetProperty("kind").GetString());
        Assert.Equal(4200, summary.GetProperty("totals").EnumerateArray().Single(t => t.GetProperty("currency").GetString() == "CHF").GetProperty("balance").GetInt64());
    }

    private static async Task<JsonElement> UntilAsync(WsClient ws, string command, object? data, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var reply = await ws.RequestAsync(command, data);
            if (reply.Event() == "ok" && done(reply.GetProperty("data")))
            {
                return reply.GetProperty("data");
            }

            Assert.True(DateTime.UtcNow < deadline, $"{command} did not catch up: {reply}");
            await Task.Delay(100); // well under the socket's message rate limit
        }
    }

    private static async Task<string> OpenAsync(WsClient ws, string currency = "EUR")
    {
        var opened = await ws.RequestAsync("account.open", new { currency });
        Assert.True(opened.Event() == "ok", opened.ToString());
        return opened.GetProperty("data").GetProperty("id").GetString()!;
    }

    private HttpClient Http(TestUser user)
    {
        var http = gateway.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return http;
    }
}

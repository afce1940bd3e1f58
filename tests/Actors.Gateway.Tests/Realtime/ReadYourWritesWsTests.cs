using System.Text.Json;
using Actors.Gateway.News;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Realtime;

/// <summary>
/// Read-your-writes over <c>/ws</c>: the socket remembers what it wrote, so its account list, summary and statements,
/// read right after a deposit, a withdrawal, a transfer or an opening on the same socket, already show it.
/// </summary>
[Collection(RealtimeCollection.Name)]
public class ReadYourWritesWsTests(RealtimeGatewayFactory gateway)
{
    private ReadYourWrites.Waits Waits => gateway.Services.GetRequiredService<ReadYourWrites.Waits>();

    [Fact]
    public async Task Given_a_socket_that_writes_when_it_reads_its_summary_statements_and_list_right_after_then_each_read_shows_the_write()
    {
        var user = await gateway.NewUserAsync();
        var stranger = await gateway.NewUserAsync();
        await using var strangerWs = await gateway.ConnectAsync(stranger.Token);
        var theirs = Data(await strangerWs.RequestAsync("account.open", new { currency = "EUR" })).GetProperty("id").GetString();

        // Each socket is a session of its own (and has its own message allowance, so the rounds use several).
        for (var socket = 0; socket < 8; socket++)
        {
            await using var ws = await gateway.ConnectAsync(user.Token);
            var a = Data(await ws.RequestAsync("account.open", new { currency = "EUR" })).GetProperty("id").GetString();
            var b = Data(await ws.RequestAsync("account.open", new { currency = "EUR" })).GetProperty("id").GetString();
            Assert.Contains(Data(await ws.RequestAsync("account.list")).EnumerateArray(), l => l.GetProperty("id").GetString() == b);
            long balanceA = 0;

            for (var round = 0; round < 5; round++)
            {
                Ok(await ws.RequestAsync("account.deposit", new { account = a, amount = 500 }));
                balanceA += 500;
                Assert.Equal(balanceA, Line(Data(await ws.RequestAsync("account.summary")), a).GetProperty("balance").GetInt64());
                Assert.Equal(balanceA, Data(await ws.RequestAsync("account.statement", new { account = a })).GetProperty("balance").GetInt64());

                Ok(await ws.RequestAsync("account.withdraw", new { account = a, amount = 100 }));
                balanceA -= 100;
                Assert.Equal(balanceA, Data(await ws.RequestAsync("account.statement", new { account = a })).GetProperty("balance").GetInt64());
            }

            Ok(await ws.RequestAsync("transfer.create", new { from = a, to = b, amount = 300 }));
            Assert.Equal(300, Data(await ws.RequestAsync("account.statement", new { account = b })).GetProperty("balance").GetInt64());
            Ok(await ws.RequestAsync("transfer.create", new { from = a, to = theirs, amount = 50 }));
            var summary = Data(await ws.RequestAsync("account.summary"));
            Assert.Equal(balanceA - 350, Line(summary, a).GetProperty("balance").GetInt64());
            Assert.Equal(300, Line(summary, b).GetProperty("balance").GetInt64());
        }
    }

    [Fact]
    public async Task Given_a_socket_that_wrote_nothing_when_it_reads_its_summary_list_and_a_statement_then_none_waits()
    {
        var user = await gateway.NewUserAsync();
        await using var writer = await gateway.ConnectAsync(user.Token);
        var account = Data(await writer.RequestAsync("account.open", new { currency = "EUR" })).GetProperty("id").GetString();
        await using var reader = await gateway.ConnectAsync(user.Token);
        var waitsBefore = Waits.Started;

        // Another socket's writes are not this one's (the same user; nothing remembered here).
        Ok(await reader.RequestAsync("account.summary"));
        Ok(await reader.RequestAsync("account.list"));
        var statement = await reader.RequestAsync("account.statement", new { account });

        Assert.True(statement.Event() is "ok" or "error", statement.ToString()); // the statement may not exist yet: no wait
        Assert.Equal(waitsBefore, Waits.Started);
    }

    private static JsonElement Data(JsonElement reply)
    {
        Ok(reply);
        return reply.GetProperty("data");
    }

    private static void Ok(JsonElement reply) => Assert.True(reply.Event() == "ok", reply.ToString());

    private static JsonElement Line(JsonElement summary, string? account) =>
        summary.GetProperty("accounts").EnumerateArray().Single(l => l.GetProperty("id").GetString() == account);
}

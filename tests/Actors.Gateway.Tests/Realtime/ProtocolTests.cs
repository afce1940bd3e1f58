using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Realtime;

[Collection(RealtimeCollection.Name)]
public class ProtocolTests(RealtimeGatewayFactory gateway)
{
    [Fact]
    public async Task Every_message_gets_one_reply_with_its_id()
    {
        await using var ws = await gateway.ConnectAsync();

        var reply = await ws.RequestAsync("ping");

        Assert.Equal("ok", reply.Event());
        Assert.True(reply.GetProperty("data").GetProperty("pong").GetBoolean());
    }

    [Fact]
    public async Task A_numeric_id_is_echoed_as_a_number()
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync("""{"event":"ping","id":42}""");
        var reply = await ws.ReceiveAsync();

        Assert.Equal(42, reply!.Value.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task A_message_that_is_not_json_gets_an_error_and_the_socket_stays_usable()
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync("this is {not json");
        var error = await ws.ReplyAsync(null);
        var next = await ws.RequestAsync("ping");

        Assert.Equal("error", error.Event());
        Assert.Contains("Not JSON", error.Error());
        Assert.Equal("ok", next.Event());
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("\"ping\"")]
    [InlineData("null")]
    public async Task Json_that_is_not_an_object_gets_an_error(string message)
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync(message);
        var error = await ws.ReplyAsync(null);

        Assert.Equal("error", error.Event());
    }

    [Theory]
    [InlineData("""{"event":"ping"}""")]
    [InlineData("""{"event":"ping","id":""}""")]
    [InlineData("""{"event":"ping","id":{"a":1}}""")]
    [InlineData("""{"event":"ping","id":true}""")]
    public async Task A_message_without_a_usable_id_gets_an_error_with_a_null_id(string message)
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync(message);
        var error = await ws.ReplyAsync(null);

        Assert.Contains("Missing id", error.Error());
    }

    [Fact]
    public async Task An_id_longer_than_128_characters_is_not_usable()
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync(JsonSerializer.Serialize(new { @event = "ping", id = new string('x', 129) }));
        var error = await ws.ReplyAsync(null);

        Assert.Contains("Missing id", error.Error());
    }

    [Fact]
    public async Task An_unknown_event_gets_an_error_with_its_id()
    {
        await using var ws = await gateway.ConnectAsync();

        var reply = await ws.RequestAsync("news.explode", new { news_id = 1 });

        Assert.Equal("error", reply.Event());
        Assert.Equal("Unknown event.", reply.Error());
    }

    [Fact]
    public async Task A_message_without_an_event_gets_an_error()
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync("""{"id":"a","data":{}}""");
        var reply = await ws.ReplyAsync("a");

        Assert.Equal("Missing event.", reply.Error());
    }

    [Fact]
    public async Task Data_that_is_not_an_object_gets_an_error()
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync("""{"id":"a","event":"news.vote","data":[1]}""");
        var reply = await ws.ReplyAsync("a");

        Assert.Equal("data must be an object.", reply.Error());
    }

    [Fact]
    public async Task A_binary_message_gets_an_error()
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        var reply = await ws.ReplyAsync(null);

        Assert.Contains("Only text messages", reply.Error());
    }

    [Fact]
    public async Task A_message_above_the_size_limit_closes_the_socket_with_1009()
    {
        await using var ws = await gateway.ConnectAsync();
        var huge = JsonSerializer.Serialize(new { @event = "ping", id = "a", data = new { pad = new string('x', RealtimeGatewayFactory.MaxMessageBytes) } });

        await ws.SendTextAsync(huge);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ws.ClosedAsync());
    }

    [Fact]
    public async Task A_huge_message_in_many_fragments_is_refused_as_well()
    {
        await using var ws = await gateway.ConnectAsync();
        var chunk = Encoding.UTF8.GetBytes(new string(' ', 1024));

        for (var i = 0; i < 8; i++)
        {
            await ws.Socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        }

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ws.ClosedAsync());
    }

    [Fact]
    public async Task A_deeply_nested_message_gets_an_error_not_a_crash()
    {
        await using var ws = await gateway.ConnectAsync();

        await ws.SendTextAsync(new string('[', 1000) + new string(']', 1000));
        var reply = await ws.ReplyAsync(null);

        Assert.Equal("error", reply.Event());
    }

    [Fact]
    public async Task A_flood_is_answered_with_errors_and_then_closed_with_1008()
    {
        await using var ws = await gateway.ConnectAsync();

        // Far more than the burst allowance, without waiting for replies.
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < 500 && ws.Socket.State == WebSocketState.Open; i++)
                {
                    await ws.SendTextAsync($$"""{"event":"ping","id":{{i}}}""");
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException)
            {
                // The server closed the socket under us: expected (the test host's socket says so with an IOException).
            }
        });
        var replies = new List<JsonElement>();
        while (await ws.ReceiveAsync() is { } message)
        {
            replies.Add(message);
        }

        await sending;
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, ws.Socket.CloseStatus);
        Assert.Contains(replies, r => r.Event() == "ok");
        Assert.Contains(replies, r => r.Event() == "error" && r.Error() == "Too many messages, slow down.");
    }

    [Fact]
    public async Task A_plain_http_request_to_the_socket_endpoint_is_a_400()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/ws");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_command_before_authentication_is_refused()
    {
        await using var ws = await gateway.ConnectAsync();

        var reply = await ws.RequestAsync("news.vote", new { news_id = "1", vote_type = "up" });

        Assert.Equal("Not authenticated.", reply.Error());
    }

    [Fact]
    public async Task The_auth_message_signs_the_socket_in_with_the_http_token()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync();

        var reply = await ws.RequestAsync("auth", new { token = user.Token });

        Assert.Equal("ok", reply.Event());
        Assert.Equal(user.Name, reply.GetProperty("data").GetProperty("user").GetProperty("username").GetString());
    }

    [Theory]
    [InlineData("0123456789012345678901234567890123456789")]
    [InlineData("short")]
    [InlineData("")]
    public async Task An_auth_message_with_a_wrong_token_is_refused(string token)
    {
        await using var ws = await gateway.ConnectAsync();

        var reply = await ws.RequestAsync("auth", new { token });

        Assert.Equal("Not authenticated.", reply.Error());
    }

    [Fact]
    public async Task Connecting_with_a_wrong_token_in_the_query_is_refused()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => gateway.ConnectAsync(token: "0123456789abcdef0123456789abcdef01234567"));
    }

    [Fact]
    public async Task A_token_in_the_query_signs_the_socket_in()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(token: user.Token);

        var reply = await ws.RequestAsync("news.vote", new { news_id = "999999", vote_type = "up" });

        Assert.Equal("No such news or user.", reply.Error());
    }

    [Fact]
    public async Task The_auth_cookie_counts_from_a_page_of_this_site()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(configure: h =>
        {
            h.Headers["Cookie"] = $"auth={user.Token}";
            h.Headers["Origin"] = "http://localhost";
        });

        var reply = await ws.RequestAsync("news.vote", new { news_id = "999999", vote_type = "up" });

        Assert.Equal("No such news or user.", reply.Error());
    }

    [Fact]
    public async Task The_auth_cookie_does_not_count_from_another_site()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(configure: h =>
        {
            h.Headers["Cookie"] = $"auth={user.Token}";
            h.Headers["Origin"] = "https://evil.example";
        });

        var reply = await ws.RequestAsync("news.vote", new { news_id = "999999", vote_type = "up" });

        Assert.Equal("Not authenticated.", reply.Error());
    }

    [Fact]
    public async Task After_a_logout_the_socket_can_no_longer_command()
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(token: user.Token);
        await gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IUserGrain>(user.Id).Logout(user.Token);

        var reply = await ws.RequestAsync("news.submit", new { title = "t", url = "https://example.com/after-logout" });

        Assert.Equal("Not authenticated.", reply.Error());
    }
}

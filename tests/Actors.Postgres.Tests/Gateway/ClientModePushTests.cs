using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Actors.News;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Gateway;

/// <summary>A gateway process in client mode (<c>Orleans__Mode=client</c>) in front of a silo process, over WebSocket.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClientModePushTests(PostgresFixture postgres) : IAsyncLifetime
{
    private ProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("pushes"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_websocket_subscriber_of_a_client_mode_gateway_gets_the_push_of_a_vote()
    {
        await _cluster.StartSiloAsync();
        var (_, address) = await _cluster.StartGatewayAsync();
        var client = await _cluster.ConnectClientAsync();
        var author = await SignUp.NewUserAsync(client);
        var voter = await SignUp.NewUserAsync(client);
        var submitted = await client.GetGrain<INewsAuthorGrain>(author).Submit("Pushed through a client gateway", $"https://example.com/{Guid.NewGuid():N}", "");
        Assert.Null(submitted.Rejection);

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually(async () =>
        {
            try
            {
                return (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, "the client-mode gateway ready", TimeSpan.FromSeconds(90));
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(address) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        var channel = $"news.{submitted.Id}";
        await SendAsync(socket, new { @event = "subscribe", data = new { channel }, id = "s1" });
        var reply = await ReceiveAsync(socket, m => m.TryGetProperty("id", out var id) && id.GetString() == "s1");
        Assert.Equal("ok", reply.GetProperty("event").GetString());

        Assert.True((await client.GetGrain<INewsGrain>(submitted.Id).Vote(voter, VoteDirection.Up)).Ok);

        var push = await ReceiveAsync(socket, m => m.TryGetProperty("channel", out var c) && c.GetString() == channel && m.GetProperty("event").GetString() == "news.upvoted");
        Assert.Equal(submitted.Id, push.GetProperty("data").GetProperty("news_id").GetInt64());
    }

    private static Task SendAsync(ClientWebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The first message matching <paramref name="wanted"/> within 30 s (others are skipped).</summary>
    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, Func<JsonElement, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var element = JsonDocument.Parse(Encoding.UTF8.GetString(message.ToArray())).RootElement;
            if (wanted(element))
            {
                return element;
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Realtime;

/// <summary>The gateway with small realtime limits (so limits are reachable in tests), on its own co-hosted silo.</summary>
public class RealtimeGatewayFactory : WebApplicationFactory<Program>
{
    public const int MaxMessageBytes = 4096;
    public const int MessagesPerSecond = 20;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("News:UserCreationDelaySeconds", "0");
        builder.UseSetting("News:NewsSubmissionBreakSeconds", "0");
        builder.UseSetting("Users:PasswordHashIterations", "1000");
        builder.UseSetting("Realtime:MaxMessageBytes", MaxMessageBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Realtime:MessagesPerSecond", MessagesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Realtime:MaxRefusedInARow", "20");
    }

    /// <summary>A new user (registered through the users slice's registry), with its token and API secret.</summary>
    public async Task<TestUser> NewUserAsync(string prefix = "u")
    {
        // Hashed as this gateway is configured to hash (Users:PasswordHashIterations above).
        var user = await SignUp.NewAsync(Services.GetRequiredService<IGrainFactory>(), prefix, hashIterations: 1000);
        return new TestUser(user.Id, user.Name, user.Token, user.Secret);
    }

    public async Task<WsClient> ConnectAsync(string? token = null, Action<HttpRequestMessageLike>? configure = null)
    {
        var client = Server.CreateWebSocketClient();
        var headers = new HttpRequestMessageLike();
        configure?.Invoke(headers);
        client.ConfigureRequest = request =>
        {
            foreach (var (name, value) in headers.Headers)
            {
                request.Headers[name] = value;
            }
        };
        var uri = new Uri(token is null ? "ws://localhost/ws" : $"ws://localhost/ws?token={token}");
        var socket = await client.ConnectAsync(uri, CancellationToken.None);
        return new WsClient(socket);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class HttpRequestMessageLike
{
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
}

[CollectionDefinition(Name)]
public sealed class RealtimeCollection : ICollectionFixture<RealtimeGatewayFactory>
{
    public const string Name = "realtime";
}

public sealed record TestUser(long Id, string Name, string Token, string ApiSecret);

/// <summary>
/// A protocol client for tests: <see cref="RequestAsync"/> sends a message and returns the reply with its id; pushes
/// seen meanwhile are kept for <see cref="PushAsync"/>.
/// </summary>
public sealed class WsClient(WebSocket socket) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly List<JsonElement> _pushes = [];
    private int _nextId;

    public WebSocket Socket => socket;

    public IReadOnlyList<JsonElement> Pushes => _pushes;

    public Task SendTextAsync(string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task<JsonElement> RequestAsync(string eventName, object? data = null)
    {
        var id = $"m{Interlocked.Increment(ref _nextId)}";
        await SendTextAsync(JsonSerializer.Serialize(new { @event = eventName, data, id }));
        return await ReplyAsync(id);
    }

    public async Task<JsonElement> ReplyAsync(string? id)
    {
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException("closed before the reply");
            if (message.TryGetProperty("channel", out _) || message.GetProperty("event").GetString() == "overflow")
            {
                _pushes.Add(message);
                continue;
            }

            var replyId = message.GetProperty("id");
            if (id is null ? replyId.ValueKind == JsonValueKind.Null : replyId.ValueKind == JsonValueKind.String && replyId.GetString() == id)
            {
                return message;
            }

            throw new InvalidOperationException($"reply to another message: {message}");
        }
    }

    /// <summary>The first push (already seen, or arriving within the timeout) that matches.</summary>
    public async Task<JsonElement> PushAsync(Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        foreach (var seen in _pushes)
        {
            if (match(seen))
            {
                return seen;
            }
        }

        while (true)
        {
            var message = await ReceiveAsync(timeout.Token) ?? throw new InvalidOperationException("closed before the push");
            _pushes.Add(message);
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>The next message, or null when the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var buffer = new byte[1 << 20];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.AsMemory(0, count)).RootElement.Clone();
            }
        }
    }

    /// <summary>Reads until the server closes; returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync()
    {
        while (await ReceiveAsync() is not null)
        {
        }

        return socket.CloseStatus;
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                socket.Abort();
            }
        }

        socket.Dispose();
    }
}

public static class JsonElementExtensions
{
    public static string? Event(this JsonElement message) => message.GetProperty("event").GetString();

    public static string? Channel(this JsonElement message) =>
        message.TryGetProperty("channel", out var c) ? c.GetString() : null;

    public static string? Error(this JsonElement message) => message.GetProperty("data").GetProperty("error").GetString();

    public static long Position(this JsonElement message) =>
        message.TryGetProperty("position", out var p) ? p.GetInt64() : 0;
}

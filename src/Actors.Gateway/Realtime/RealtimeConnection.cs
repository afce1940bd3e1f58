using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Actors.Accounts;
using Actors.Gateway.Accounts;
using Actors.Gateway.News;
using Actors.Gateway.Users;

namespace Actors.Gateway.Realtime;

/// <summary>
/// One <c>/ws</c> client. Two loops: the receive loop reads one message at a time, answers it (exactly one reply, same
/// id) and owns the subscriptions; the send loop is the only writer to the socket and drains the <see cref="Outbox"/>.
/// Closing always goes through the send loop, so a close frame never races a message being sent.
/// </summary>
internal sealed class RealtimeConnection
{
    private static long _connections;

    private readonly WebSocket _socket;
    private readonly IServiceProvider _services;
    private readonly RealtimeHub _hub;
    private readonly RealtimeOptions _options;
    private readonly ILogger _logger;
    private readonly Outbox _outbox;
    private readonly HashSet<string> _subscriptions = new(StringComparer.Ordinal);
    private readonly string _name = "ws" + Interlocked.Increment(ref _connections).ToString(CultureInfo.InvariantCulture);
    private string? _token;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "bye";

    // Token bucket of the flood guard: MessagesPerSecond, with a burst of twice that.
    private double _allowance;
    private long _lastRefill = Environment.TickCount64;
    private int _refusedInARow;

    public RealtimeConnection(
        WebSocket socket, IServiceProvider services, RealtimeHub hub, RealtimeOptions options, string? token, ILogger logger)
    {
        _socket = socket;
        _services = services;
        _hub = hub;
        _options = options;
        _logger = logger;
        _token = token;
        _outbox = new Outbox(options.SendQueueCapacity, options.MaxOverflows);
        _allowance = options.MessagesPerSecond * 2;
    }

    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _outbox.Aborted);
        var sending = SendLoopAsync(stop.Token);
        try
        {
            await ReceiveLoopAsync(stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or System.Threading.Channels.ChannelClosedException)
        {
            // The client went away, or the overflow policy ended the connection.
        }
        finally
        {
            foreach (var channel in _subscriptions)
            {
                _hub.Unsubscribe(channel, _outbox);
            }

            _subscriptions.Clear();
            _outbox.Complete();
            await sending;
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes + 1);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count, _options.MaxMessageBytes + 1 - count), cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    count += result.Count;
                    if (count > _options.MaxMessageBytes)
                    {
                        Close(WebSocketCloseStatus.MessageTooBig,
                            string.Create(CultureInfo.InvariantCulture, $"messages are limited to {_options.MaxMessageBytes} bytes"));
                        return;
                    }
                }
                while (!result.EndOfMessage);

                if (!TakeAllowance())
                {
                    if (++_refusedInARow > _options.MaxRefusedInARow)
                    {
                        Close(WebSocketCloseStatus.PolicyViolation, "too many messages");
                        return;
                    }

                    await ReplyAsync(Pushes.Error(IdOf(buffer.AsMemory(0, count)), "Too many messages, slow down."), cancellationToken);
                    continue;
                }

                _refusedInARow = 0;
                var reply = result.MessageType == WebSocketMessageType.Binary
                    ? Pushes.Error(null, "Only text messages are understood: {\"event\":...,\"data\":{...},\"id\":...}.")
                    : await HandleAsync(buffer.AsMemory(0, count));
                await ReplyAsync(reply, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ValueTask ReplyAsync(byte[] reply, CancellationToken cancellationToken) => _outbox.ReplyAsync(reply, cancellationToken);

    private void Close(WebSocketCloseStatus status, string reason)
    {
        _closeStatus = status;
        _closeReason = reason;
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Cancelled (client gone, server stopping, or overflow): close below if the socket still can.
        }

        if (_outbox.Aborted.IsCancellationRequested)
        {
            _logger.LogInformation(
                "Realtime: {Connection} closed by the overflow policy after {Overflows} overflows ({Dropped} pushes dropped)",
                _name, _outbox.Overflows, _outbox.DroppedTotal);
            Close(WebSocketCloseStatus.PolicyViolation, "too slow: pushes overflowed");
        }

        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                _socket.Abort();
            }
        }
    }

    private bool TakeAllowance()
    {
        var now = Environment.TickCount64;
        var rate = Math.Max(1, _options.MessagesPerSecond);
        _allowance = Math.Min(rate * 2, _allowance + ((now - _lastRefill) * rate / 1000.0));
        _lastRefill = now;
        if (_allowance < 1)
        {
            return false;
        }

        _allowance -= 1;
        return true;
    }

    /// <summary>The id of a message, if it is JSON with a usable one (for the reply to a refused message).</summary>
    private static string? IdOf(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 32 });
            return document.RootElement.ValueKind == JsonValueKind.Object ? RawId(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string (up to 128 characters) or number id, as the raw JSON to echo; anything else is no id.</summary>
    private static string? RawId(JsonElement message) =>
        message.TryGetProperty("id", out var id)
        && ((id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 and <= 128 }) || id.ValueKind == JsonValueKind.Number)
        && id.GetRawText() is { Length: <= 512 } raw
            ? raw
            : null;

    private async Task<byte[]> HandleAsync(ReadOnlyMemory<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return Pushes.Error(null, "Not JSON. A message is {\"event\":...,\"data\":{...},\"id\":...}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Pushes.Error(null, "A message is a JSON object: {\"event\":...,\"data\":{...},\"id\":...}.");
            }

            var id = RawId(root);
            if (id is null)
            {
                return Pushes.Error(null, "Missing id: every message needs an \"id\" (a string of up to 128 characters, or a number).");
            }

            if (!root.TryGetProperty("event", out var eventElement) || eventElement.ValueKind != JsonValueKind.String
                || eventElement.GetString() is not { Length: > 0 } eventName)
            {
                return Pushes.Error(id, "Missing event.");
            }

            var data = root.TryGetProperty("data", out var d) ? d : default;
            if (data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
            {
                return Pushes.Error(id, "data must be an object.");
            }

            // Every grain call of this message carries one correlation id, like an HTTP request's.
            RequestContext.Set(RequestContextKeys.CorrelationId, $"{_name}-{Guid.NewGuid():N}");
            try
            {
                return await DispatchAsync(id, eventName, data);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Realtime: {Event} failed on {Connection}", eventName, _name);
                return Pushes.Error(id, "Something went wrong, please try again.");
            }
            finally
            {
                RequestContext.Clear();
            }
        }
    }

    private Task<byte[]> DispatchAsync(string id, string eventName, JsonElement data) => eventName switch
    {
        "ping" => Task.FromResult(Pushes.Ok(id, new { pong = true })),
        "auth" => AuthAsync(id, data),
        "subscribe" => SubscribeAsync(id, data),
        "unsubscribe" => Task.FromResult(Unsubscribe(id, data)),
        "news.submit" => NewsAsync(id, data, NewsActions.Submit, ("news_id", "-1"), ("url", ""), ("text", "")),
        "news.edit" => NewsAsync(id, data, NewsActions.Submit, ("url", ""), ("text", "")),
        "news.delete" => NewsAsync(id, data, NewsActions.Delete),
        "news.vote" => NewsAsync(id, data, NewsActions.Vote),
        "comment.post" => NewsAsync(id, data, NewsActions.PostComment, ("comment_id", "-1"), ("parent_id", "-1")),
        "comment.edit" => NewsAsync(id, data, NewsActions.PostComment, ("parent_id", "-1")),
        "comment.vote" => NewsAsync(id, data, NewsActions.VoteComment),
        "account.open" => AccountAsync(id, data, AccountActions.Open),
        "account.list" => AccountAsync(id, data, (g, u, _) => AccountActions.List(g, u)),
        "account.summary" => AccountAsync(id, data, (g, u, _) => AccountActions.Summary(g, u)),
        "account.get" => AccountAsync(id, data, (g, u, d) => AccountActions.Get(g, u, StringOf(d, "account"), AsOf(d))),
        "account.deposit" => AccountAsync(id, data, (g, u, d) => AccountActions.Deposit(g, u, StringOf(d, "account"), d)),
        "account.withdraw" => AccountAsync(id, data, (g, u, d) => AccountActions.Withdraw(g, u, StringOf(d, "account"), d)),
        "account.close" => AccountAsync(id, data, (g, u, d) => AccountActions.Close(g, u, StringOf(d, "account"))),
        "account.history" => AccountAsync(id, data, (g, u, d) => AccountActions.History(g, u, StringOf(d, "account"))),
        "account.statement" => AccountAsync(id, data, (g, u, d) => AccountActions.Statement(g, u, StringOf(d, "account"))),
        "transfer.create" => AccountAsync(id, data, (g, u, d) => AccountActions.StartTransfer(g, u, d)),
        "transfer.get" => AccountAsync(id, data, (g, u, d) => AccountActions.GetTransfer(g, u, StringOf(d, "id"))),
        _ => Task.FromResult(Pushes.Error(id, "Unknown event.")),
    };

    private async Task<byte[]> AuthAsync(string id, JsonElement data)
    {
        var token = StringOf(data, "token");
        var user = await _services.AuthenticateTokenAsync(token);
        if (user is null)
        {
            return Pushes.Error(id, "Not authenticated.");
        }

        _token = token;
        return Pushes.Ok(id, new { user = new { id = user.Id, username = user.Username, karma = user.Karma } });
    }

    /// <summary>The user of this socket now: the token is checked on every command, so a logout ends the socket's rights too.</summary>
    private Task<SignedInUser?> UserAsync() => _services.AuthenticateTokenAsync(_token);

    private async Task<byte[]> NewsAsync(
        string id,
        JsonElement data,
        Func<IGrainFactory, SignedInUser, NewsRequest, Task<NewsOutcome>> action,
        params (string Name, string Value)[] defaults)
    {
        var user = await UserAsync();
        if (user is null)
        {
            return Pushes.Error(id, "Not authenticated.");
        }

        var parameters = NewsRequest.FromJson(data);
        foreach (var (name, value) in defaults)
        {
            parameters.SetDefault(name, value);
        }

        var outcome = await action(_services.GetRequiredService<IGrainFactory>(), user, parameters);
        return outcome.Error is { } error ? Pushes.Error(id, error) : Pushes.Ok(id, outcome.Result, outcome.Position);
    }

    /// <summary>
    /// An account command or read through <see cref="AccountActions"/>, as the REST routes run it: the same checks, the
    /// same owner-only rule (someone else's account is "No such account.", like a missing one), the same JSON.
    /// </summary>
    private async Task<byte[]> AccountAsync(
        string id, JsonElement data, Func<IGrainFactory, SignedInUser, JsonElement, Task<AccountOutcome>> action)
    {
        var user = await UserAsync();
        if (user is null)
        {
            return Pushes.Error(id, "Not authenticated.");
        }

        var outcome = await action(_services.GetRequiredService<IGrainFactory>(), user, data);
        return outcome.Error is { } error
            ? Pushes.Error(id, error.Detail, error.Code)
            : Pushes.Ok(id, outcome.Value, outcome.Position, AccountsHttp.Json);
    }

    /// <summary><c>asOf</c> of <c>account.get</c>: a version (number or string) or an ISO-8601 instant.</summary>
    private static string? AsOf(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("asOf", out var asOf)
            ? asOf.ValueKind switch
            {
                JsonValueKind.String => asOf.GetString(),
                JsonValueKind.Number => asOf.GetRawText(),
                JsonValueKind.Null => null,
                _ => "",
            }
            : null;

    private async Task<byte[]> SubscribeAsync(string id, JsonElement data)
    {
        if (Channel(data) is not { } channel)
        {
            return Pushes.Error(id, "Unknown channel. Channels: news.top, news.latest, news.<id>, account.<id>.");
        }

        if (!_subscriptions.Contains(channel) && _subscriptions.Count >= _options.MaxSubscriptions)
        {
            return Pushes.Error(id, "Too many subscriptions.");
        }

        object? snapshot = null;
        if (channel.StartsWith("account.", StringComparison.Ordinal))
        {
            // Owner only. An unknown account and someone else's answer alike, so ids cannot be probed.
            var user = await UserAsync();
            var view = user is null
                ? null
                : await _services.GetRequiredService<IGrainFactory>().GetGrain<IAccountGrain>(Guid.Parse(channel["account.".Length..])).GetView();
            if (user is null || view is null || view.Owner != user.Id)
            {
                return Pushes.Error(id, "Not allowed: only the owner follows an account.");
            }

            snapshot = new { balance = view.Balance, currency = view.Currency, status = view.Status, version = view.Version };
        }

        if (channel == Channels.Top)
        {
            // The snapshot is queued as a push before any diff that follows it; a repeat subscribe re-sends it (a client
            // that lost track, e.g. after an overflow notice, re-subscribes).
            _subscriptions.Add(channel);
            var rev = await _services.GetRequiredService<TopListWatcher>().SubscribeAsync(_outbox);
            return Pushes.Ok(id, new { channel, rev });
        }

        if (_subscriptions.Add(channel))
        {
            _hub.Subscribe(channel, _outbox);
        }

        return Pushes.Ok(id, new { channel, account = snapshot });
    }

    private byte[] Unsubscribe(string id, JsonElement data)
    {
        if (Channel(data) is not { } channel)
        {
            return Pushes.Error(id, "Unknown channel.");
        }

        if (_subscriptions.Remove(channel))
        {
            _hub.Unsubscribe(channel, _outbox);
        }

        return Pushes.Ok(id, new { channel });
    }

    /// <summary>The canonical name of the channel asked for, or null when there is no such channel.</summary>
    private static string? Channel(JsonElement data)
    {
        var name = StringOf(data, "channel");
        if (name is null || name.Length > 100)
        {
            return null;
        }

        if (name is Channels.Top or Channels.Latest)
        {
            return name;
        }

        if (name.StartsWith("news.", StringComparison.Ordinal) && NewsActions.ParseId(name["news.".Length..]) is { } newsId)
        {
            return Channels.News(newsId);
        }

        if (name.StartsWith("account.", StringComparison.Ordinal) && Guid.TryParse(name["account.".Length..], out var accountId))
        {
            return Channels.Account(accountId);
        }

        return null;
    }

    private static string? StringOf(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

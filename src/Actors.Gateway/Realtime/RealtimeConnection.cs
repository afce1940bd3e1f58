using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Actors.Gateway.Hosting;
using Actors.Gateway.Input;

namespace Actors.Gateway.Realtime;

/// <summary>
/// One <c>/ws</c> client. Two loops: the receive loop reads one message at a time, checks its envelope and answers it
/// through <see cref="WsCommands"/> (exactly one reply, same id), acting on the socket's <see cref="WsSession"/>; the
/// send loop is the only writer to the socket and drains the <see cref="Outbox"/>. Closing always goes through the
/// send loop, so a close frame never races a message being sent.
/// </summary>
internal sealed class RealtimeConnection
{
    private static readonly TimeSpan LingerAfterViolation = TimeSpan.FromSeconds(1);
    private static long _connections;

    private readonly WebSocket _socket;
    private readonly RealtimeOptions _options;
    private readonly ILogger _logger;
    private readonly Outbox _outbox;
    private readonly WsSession _session;
    private readonly string _name = "ws" + Interlocked.Increment(ref _connections).ToString(CultureInfo.InvariantCulture);
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "bye";
    private volatile bool _receiveEnded;

    // Token bucket of the flood guard: MessagesPerSecond, with a burst of twice that.
    private double _allowance;
    private long _lastRefill = Environment.TickCount64;
    private int _refusedInARow;

    public RealtimeConnection(
        WebSocket socket, IServiceProvider services, RealtimeHub hub, RealtimeOptions options, string? token, ILogger logger)
    {
        _socket = socket;
        _options = options;
        _logger = logger;
        _outbox = new Outbox(options.SendQueueCapacity, options.MaxOverflows);
        _session = new WsSession(services, hub, _outbox, options, token);
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
            // The client went away, or the overflow policy ended the connection, or the client broke the protocol.
        }
        finally
        {
            _receiveEnded = true;
            _session.UnsubscribeAll();
            _outbox.Complete();
            await sending;
        }

        if (_socket.State == WebSocketState.Aborted)
        {
            await LingerAsync(requestAborted);
        }
    }

    /// <summary>
    /// After a protocol violation (a reserved bit or opcode, a bad control frame, text that is not UTF-8, also in what is
    /// drained after a 1009) the WebSocket has sent its close frame (1002, 1007, 1009) and given up. Ending the request at once made the server reset the TCP
    /// connection before the client had read that frame, so the client saw an abort (1006) instead of the reason, about
    /// one time in three (found by the /ws fuzz test). Waiting until the client closes its side, at most a second, lets
    /// the close frame arrive; a client that never closes costs that second, within its address's socket limit.
    /// </summary>
    private static async Task LingerAsync(CancellationToken clientGone)
    {
        try
        {
            await Task.Delay(LingerAfterViolation, clientGone);
        }
        catch (OperationCanceledException)
        {
            // The client closed its side: the close frame reached it.
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
                if (_socket.State == WebSocketState.Open && _receiveEnded)
                {
                    // The server closes (a message over the limit, a flood) while the client may still be sending: read and
                    // drop what it sends until its close frame (the protocol's closing handshake). Ending at once reset the
                    // connection under the close frame, so the client saw an abort instead of 1009 (found by the fuzz test).
                    await _socket.CloseAsync(_closeStatus, _closeReason, timeout.Token);
                }
                else
                {
                    await _socket.CloseOutputAsync(_closeStatus, _closeReason, timeout.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // Already given up (the client broke the protocol while its oversize message was drained): disposing now
                // would reset the connection under the close frame just sent; RunAsync lingers, and the request ends it.
                if (_socket.State != WebSocketState.Aborted)
                {
                    _socket.Abort();
                }
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

    /// <summary>
    /// A string (up to 128 characters, acceptable text) or number id, as the raw JSON to echo; anything else is no id.
    /// </summary>
    private static string? RawId(JsonElement message)
    {
        try
        {
            return message.TryGetProperty("id", out var id)
                && ((id.ValueKind == JsonValueKind.String && InputText.Check(id) is null && id.GetString() is { Length: > 0 and <= 128 })
                    || id.ValueKind == JsonValueKind.Number)
                && id.GetRawText() is { Length: <= 512 } raw
                    ? raw
                    : null;
        }
        catch (InvalidOperationException)
        {
            // A member name with a lone surrogate escape cannot be compared with "id" (it threw here, out of the receive
            // loop, and ended the socket; found by the fuzz test): no usable id.
            return null;
        }
    }

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
                return Pushes.Error(null, InputText.Check(root, "message")
                    ?? "Missing id: every message needs an \"id\" (a string of up to 128 characters, or a number).");
            }

            // Before any command reads a string: a lone surrogate escape would throw there (once closing the socket).
            if (InputText.Check(root, "message") is { } badText)
            {
                return Pushes.Error(id, badText);
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
                return await WsCommands.RunAsync(_session, id, eventName, data);
            }
            catch (Exception e) when (UnavailableStorageExtensions.Classify(e) is { } unavailable)
            {
                // As over HTTP: not the site's error, and a lost answer is never reported as a refusal.
                _logger.LogWarning("Realtime: {Event} on {Connection} not answered: {Error}", eventName, _name, e.Message);
                return unavailable == Unavailability.Storage
                    ? Pushes.Error(id, UnavailableStorageExtensions.StorageMessage, "storage-unavailable")
                    : Pushes.Error(id, UnavailableStorageExtensions.UnconfirmedMessage, "outcome-unknown");
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
}

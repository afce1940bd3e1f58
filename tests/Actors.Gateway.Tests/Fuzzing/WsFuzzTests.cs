using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Actors.Gateway.Realtime;
using Xunit.Abstractions;

namespace Actors.Tests.Fuzzing;

/// <summary>
/// Mutated messages and malformed frames on <c>/ws</c>, from a signed-in user. The rule, per message:
/// <list type="bullet">
/// <item>a well-framed text message (UTF-8, within <see cref="RealtimeOptions.MaxMessageBytes"/>), whatever its JSON, and
/// a binary one, get exactly one reply (ok or error, never "Something went wrong") and the socket stays open;</item>
/// <item>a protocol violation is closed by the server with the close status the WebSocket protocol names: 1009 for a
/// message over the limit, 1007 for text that is not UTF-8, 1002 for a frame the protocol forbids (reserved bits or
/// opcodes, an unmasked frame, a long or fragmented control frame, a continuation out of place, a bad close frame);</item>
/// <item>never a connection ended without a close frame, never no answer within <see cref="FuzzRun.Bound"/>, never an Error
/// log line with a stack trace.</item>
/// </list>
/// An upgrade with hostile credentials or headers gets an HTTP answer below 500.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class WsFuzzTests(FuzzGateway gateway, ITestOutputHelper output)
{
    private const int MaxMessageBytes = 16 * 1024;

    [Fact]
    public async Task Given_mutated_messages_and_malformed_frames_on_ws_When_sent_Then_each_is_answered_or_closed_with_a_protocol_status_never_dropped()
    {
        var run = FuzzRun.FromEnvironment("ws", defaultCases: 3000);
        var outcomes = new ConcurrentDictionary<string, int>();
        var inFlight = new ConcurrentDictionary<int, string>();
        gateway.Errors.InFlight = () => string.Join(" or ", inFlight.Select(c => $"case {c.Key} ({c.Value})"));
        var clock = Stopwatch.StartNew();

        // Four sockets at once, each taking its cases in order (a reply is awaited before the next message).
        const int Sockets = 4;
        await Task.WhenAll(Enumerable.Range(0, Sockets).Select(async lane =>
        {
            RawWebSocket? socket = null;
            try
            {
                foreach (var index in run.Cases.Where(c => run.Cases.Count == 1 || c % Sockets == lane))
                {
                    var random = run.RandomOf(index);
                    var fuzzCase = WsCase.Make(gateway.World, random, index);
                    inFlight[index] = fuzzCase.What;
                    try
                    {
                        var (outcome, problem, open) = await RunAsync(fuzzCase, socket, random);
                        socket = open;
                        outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
                        if (problem is not null)
                        {
                            run.Fail(index, $"{problem}; {fuzzCase.What}");
                        }
                    }
                    finally
                    {
                        inFlight.TryRemove(index, out _);
                    }
                }

                if (socket is not null)
                {
                    // The socket the last case left open is still answering.
                    var ping = new WsCase("a ping after the last case", [new Frame(0x80, WsFrame.Text, "{\"event\":\"ping\",\"id\":\"last\"}"u8.ToArray())], null);
                    var (_, problem, open) = await RunAsync(ping, socket, new Random(lane));
                    socket = open;
                    if (problem is not null)
                    {
                        run.Fail(-1 - lane, $"{problem}; {ping.What}");
                    }
                }
            }
            finally
            {
                if (socket is not null)
                {
                    await socket.DisposeAsync();
                }
            }
        }));

        output.WriteLine($"/ws fuzz: {run.Cases.Count} cases, seed {run.Seed}, {clock.Elapsed.TotalSeconds:F1} s; outcomes: " +
            string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} x{o.Value}")));
        run.AssertPassed(output, gateway.Errors);
    }

    /// <summary>
    /// Runs one case on <paramref name="socket"/> (opened first when null): the outcome's name, the problem if any, and
    /// the socket to go on with (null when this one was closed).
    /// </summary>
    private async Task<(string Outcome, string? Problem, RawWebSocket? Socket)> RunAsync(WsCase fuzzCase, RawWebSocket? socket, Random random)
    {
        using var bound = new CancellationTokenSource(FuzzRun.Bound);
        var token = bound.Token;
        try
        {
            if (fuzzCase.Handshake is { } handshake)
            {
                var (upgraded, status) = await RawWebSocket.ConnectAsync(gateway.Port, handshake.Target, handshake.Headers, token);
                await upgraded.DisposeAsync();
                var code = status.Split(' ') is [_, var number, ..] && int.TryParse(number, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
                return (code.ToString(CultureInfo.InvariantCulture), code is >= 100 and < 500 ? null : $"the upgrade was answered '{status}'", socket);
            }

            if (socket is null || random.Next(100) == 0)
            {
                if (socket is not null)
                {
                    await socket.DisposeAsync();
                }

                var (opened, status) = await RawWebSocket.ConnectAsync(
                    gateway.Port, $"/ws?token={gateway.World.User.Token}", RawWebSocket.UpgradeHeaders(), token);
                socket = opened;
                if (!status.Contains(" 101 ", StringComparison.Ordinal))
                {
                    await socket.DisposeAsync();
                    return ("no upgrade", $"the upgrade of a signed-in user was answered '{status}'", null);
                }
            }

            foreach (var frame in fuzzCase.Frames)
            {
                await socket.SendFrameAsync(frame.Flags, frame.Opcode, frame.Payload, frame.Masked, token);
            }

            while (true)
            {
                var received = await socket.ReceiveAsync(token);
                if (received is null)
                {
                    await socket.DisposeAsync();
                    return ("dropped", "the connection ended without a close frame", null);
                }

                if (received.Opcode == WsFrame.Close)
                {
                    await socket.DisposeAsync();
                    var status = received.CloseStatus;
                    var problem = fuzzCase.CloseWith is { } allowed && status is { } given && allowed.Contains(given)
                        ? null
                        : fuzzCase.CloseWith is null
                            ? $"closed ({status}: {Encoding.UTF8.GetString(received.Payload.AsSpan(Math.Min(2, received.Payload.Length)))}) instead of a reply"
                            : $"closed with {status?.ToString(CultureInfo.InvariantCulture) ?? "no status"} instead of {string.Join(" or ", fuzzCase.CloseWith)}";
                    return ($"close {status}", problem, null);
                }

                if (received.Opcode is WsFrame.Ping or WsFrame.Pong)
                {
                    continue;
                }

                JsonElement message;
                try
                {
                    message = JsonDocument.Parse(received.Payload).RootElement.Clone();
                }
                catch (JsonException e)
                {
                    return ("not JSON", $"a frame that is not JSON: {e.Message}", socket);
                }

                if (message.TryGetProperty("channel", out _) || !message.TryGetProperty("id", out _))
                {
                    continue; // a push
                }

                var kind = message.GetProperty("event").GetString();
                if (fuzzCase.CloseWith is { } expected)
                {
                    return ($"reply {kind}", $"a reply ({message}) where the server should close with {string.Join(" or ", expected)}", socket);
                }

                var error = kind == "error" ? message.GetProperty("data").GetProperty("error").GetString() : null;
                return error is not null && error.Contains("Something went wrong", StringComparison.Ordinal)
                    ? ($"reply {kind}", "an internal failure behind 'Something went wrong'", socket)
                    : kind is "ok" or "error"
                        ? ($"reply {kind}", null, socket)
                        : ($"reply {kind}", $"a reply of event '{kind}'", socket);
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }

            return ("hang", $"no reply or close within {FuzzRun.Bound.TotalSeconds} s", null);
        }
        catch (IOException e)
        {
            if (socket is not null)
            {
                await socket.DisposeAsync();
            }

            return ("dropped", $"the connection was dropped ({e.Message})", null);
        }
    }

    /// <summary>A frame to send as it is.</summary>
    private sealed record Frame(int Flags, int Opcode, byte[] Payload, bool Masked = true);

    /// <summary>An upgrade request to send instead of frames.</summary>
    private sealed record Upgrade(string Target, string[] Headers);

    /// <summary>One case: what it sends, and the close statuses it may get (null: a reply, and the socket stays open).</summary>
    private sealed record WsCase(string What, IReadOnlyList<Frame> Frames, int[]? CloseWith, Upgrade? Handshake = null)
    {
        private const int Fin = 0x80;
        private static readonly UTF8Encoding StrictUtf8 = new(false, true);

        public static WsCase Make(FuzzWorld world, Random random, int index) => random.Next(20) switch
        {
            < 13 => Message(world, random, index),
            13 => Binary(random),
            14 => Oversize(random),
            15 or 16 or 17 => Violation(random),
            18 => Message(world, random, index, fragmented: true),
            _ => Upgrading(world, random),
        };

        /// <summary>A valid command, mutated; sent as one text frame or in fragments (with a ping between them).</summary>
        private static WsCase Message(FuzzWorld world, Random random, int index, bool fragmented = false)
        {
            var command = Hostile.Pick(random, FuzzTable.Commands);
            var data = command.Data(world, world.User, random);
            var message = new List<(string Key, J Value)> { ("event", J.S(command.Event)), ("data", new JObj(data)), ("id", J.S($"c{index}")) };
            var applied = new List<string>();
            for (var mutations = random.Next(10) == 0 ? 0 : random.Next(1, 4); mutations > 0; mutations--)
            {
                Mutate(message, data, random, applied);
            }

            J root = new JObj(message);
            if (random.Next(30) == 0)
            {
                root = Hostile.Value(random);
                applied.Add("the message is not an object");
            }

            var bytes = Encoding.UTF8.GetBytes(Render.Json(root));
            if (random.Next(6) == 0)
            {
                bytes = Garble(bytes, random, applied);
            }

            var what = $"{command.Event}: {string.Join(", ", applied.DefaultIfEmpty("valid"))}; sent {Preview(bytes)}";
            // Over the limit and not UTF-8 either: whichever the server meets first.
            int[]? closeWith = (bytes.Length > MaxMessageBytes, IsUtf8(bytes)) switch
            {
                (true, true) => [1009],
                (true, false) => [1009, 1007],
                (false, false) => [1007],
                _ => null,
            };
            if (!fragmented || bytes.Length < 2)
            {
                return new WsCase(what, [new Frame(Fin, WsFrame.Text, bytes)], closeWith);
            }

            var cut = random.Next(1, bytes.Length);
            Frame[] frames =
            [
                new(0, WsFrame.Text, bytes[..cut]),
                new(Fin, WsFrame.Ping, "ping"u8.ToArray()),
                new(Fin, WsFrame.Continuation, bytes[cut..]),
            ];
            return new WsCase("in fragments, " + what, frames, closeWith);
        }

        private static void Mutate(List<(string Key, J Value)> message, List<(string Key, J Value)> data, Random random, List<string> applied)
        {
            switch (random.Next(12))
            {
                case < 4 when data.Count > 0:
                    var i = random.Next(data.Count);
                    data[i] = (data[i].Key, random.Next(3) == 0 ? Hostile.WrongType(random) : Hostile.Value(random));
                    applied.Add($"hostile '{data[i].Key}'");
                    break;
                case 4 when data.Count > 0:
                    var dropped = random.Next(data.Count);
                    applied.Add($"'{data[dropped].Key}' dropped");
                    data.RemoveAt(dropped);
                    break;
                case 5:
                    data.Add((random.Next(2) == 0 && data.Count > 0 ? data[0].Key : "\ud800x", Hostile.Value(random)));
                    applied.Add("repeated or bad member in data");
                    break;
                case 6:
                    Replace(message, "event", random.Next(2) == 0 ? J.S(Hostile.Pick(random, ["news.nope", "", "PING", "ping ", "account.", "\ud800", "subscribe\0"])) : Hostile.Value(random));
                    applied.Add("unknown or hostile event");
                    break;
                case 7:
                    Replace(message, "id", Hostile.Pick(random, new J[]
                    {
                        new JNull(), new JArr([]), new JObj([]), new JBool(true), new JNum("1e400"), new JNum("-1"), J.S(""), J.S(new string('i', 129)),
                        J.S("\ud800"), new JNum("123456789012345678901234567890"), new JRaw("01"),
                    }));
                    applied.Add("odd id");
                    break;
                case 8:
                    Replace(message, "data", Hostile.WrongType(random));
                    applied.Add("data not an object");
                    break;
                case 9:
                    var name = Hostile.Pick(random, ["event", "data", "id"]);
                    message.RemoveAll(m => m.Key == name);
                    applied.Add($"no {name}");
                    break;
                case 10:
                    message.Add((Hostile.Pick(random, ["event", "id", "data"]), Hostile.Value(random)));
                    applied.Add("a repeated member");
                    break;
                default:
                    Replace(message, "data", Hostile.Nested(random, random.Next(20, 200)));
                    applied.Add("deep nesting");
                    break;
            }
        }

        private static void Replace(List<(string Key, J Value)> message, string key, J value)
        {
            var at = message.FindIndex(m => m.Key == key);
            if (at >= 0)
            {
                message[at] = (key, value);
            }
            else
            {
                message.Add((key, value));
            }
        }

        private static byte[] Garble(byte[] bytes, Random random, List<string> applied)
        {
            var list = bytes.ToList();
            switch (random.Next(3))
            {
                case 0:
                    list[random.Next(list.Count)] ^= (byte)(1 << random.Next(8));
                    applied.Add("a bit flipped");
                    break;
                case 1:
                    list = list.Take(random.Next(list.Count)).ToList();
                    applied.Add("truncated");
                    break;
                default:
                    list.InsertRange(random.Next(list.Count + 1), Hostile.InvalidUtf8(random));
                    applied.Add("bytes that are not UTF-8");
                    break;
            }

            return [.. list];
        }

        private static WsCase Binary(Random random)
        {
            var bytes = random.Next(2) == 0 ? "{\"event\":\"ping\",\"id\":\"b\"}"u8.ToArray() : RandomBytes(random, random.Next(0, 2000));
            return new WsCase($"a binary message of {bytes.Length} bytes", [new Frame(Fin, WsFrame.Binary, bytes)], null);
        }

        private static WsCase Oversize(Random random)
        {
            var size = random.Next(MaxMessageBytes + 1, 4 * MaxMessageBytes);
            var bytes = Encoding.ASCII.GetBytes("{\"event\":\"ping\",\"id\":\"big\",\"data\":{\"x\":\"" + new string('x', size) + "\"}}");
            var opcode = random.Next(3) == 0 ? WsFrame.Binary : WsFrame.Text;
            if (random.Next(2) == 0)
            {
                return new WsCase($"a message of {bytes.Length} bytes", [new Frame(Fin, opcode, bytes)], [1009]);
            }

            var cut = random.Next(1, MaxMessageBytes);
            return new WsCase($"a message of {bytes.Length} bytes in two frames", [new Frame(0, opcode, bytes[..cut]), new Frame(Fin, WsFrame.Continuation, bytes[cut..])], [1009]);
        }

        private static WsCase Violation(Random random)
        {
            var ping = "{\"event\":\"ping\",\"id\":\"v\"}"u8.ToArray();
            return random.Next(12) switch
            {
                0 => new WsCase("reserved bits set", [new Frame(Fin | (0x10 << random.Next(3)), WsFrame.Text, ping)], [1002]),
                1 => new WsCase("a reserved opcode", [new Frame(Fin, Hostile.Pick(random, [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), ping)], [1002]),
                2 => new WsCase("an unmasked frame", [new Frame(Fin, WsFrame.Text, ping, Masked: false)], [1002]),
                3 => new WsCase("a ping of 126+ bytes", [new Frame(Fin, WsFrame.Ping, RandomBytes(random, random.Next(126, 300)))], [1002]),
                4 => new WsCase("a fragmented ping", [new Frame(0, WsFrame.Ping, "a"u8.ToArray()), new Frame(Fin, WsFrame.Continuation, "b"u8.ToArray())], [1002]),
                5 => new WsCase("a continuation with nothing to continue", [new Frame(Fin, WsFrame.Continuation, ping)], [1002]),
                6 => new WsCase("a new message inside a fragmented one", [new Frame(0, WsFrame.Text, ping[..5]), new Frame(Fin, WsFrame.Text, ping)], [1002]),
                7 => new WsCase("a close frame with a 1-byte body", [new Frame(Fin, WsFrame.Close, [3])], [1002]),
                8 => CloseWithStatus(Hostile.Pick(random, [0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535])),
                9 => new WsCase("a close frame whose reason is not UTF-8", [new Frame(Fin, WsFrame.Close, [0x03, 0xE8, 0xFF, 0xFE])], [1002]),
                10 => new WsCase("a text frame that is not UTF-8", [new Frame(Fin, WsFrame.Text, [.. "{\"event\":\"ping\",\"id\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8])], [1007]),
                _ => new WsCase("a normal close", [new Frame(Fin, WsFrame.Close, [0x03, 0xE8])], [1000]),
            };
        }

        private static WsCase CloseWithStatus(int status) =>
            new($"a close frame with status {status}", [new Frame(Fin, WsFrame.Close, [(byte)(status >> 8), (byte)status])], [1002]);

        /// <summary>An upgrade with a hostile token, a cross-site origin, or broken WebSocket headers.</summary>
        private static WsCase Upgrading(FuzzWorld world, Random random)
        {
            var headers = RawWebSocket.UpgradeHeaders().ToList();
            var target = "/ws";
            string what;
            switch (random.Next(5))
            {
                case 0:
                    var value = Hostile.Value(random);
                    target = $"/ws?token={Render.Url(value)}";
                    what = $"an upgrade with token {Preview(Encoding.UTF8.GetBytes(target))}";
                    break;
                case 1:
                    headers.Add("Origin: http://evil.example");
                    headers.Add($"Cookie: auth={world.User.Token}");
                    what = "a cross-site upgrade with the cookie";
                    break;
                case 2:
                    headers.Add("Authorization: " + Mutations.Printable(Hostile.Pick(random, ["Bearer", "Bearer ", "Bearer \ud800", "Bearer " + new string('a', 5000), "Basic x"])));
                    what = "an upgrade with a malformed Authorization";
                    break;
                case 3:
                    var drop = random.Next(headers.Count);
                    what = $"an upgrade without '{headers[drop]}'";
                    headers.RemoveAt(drop);
                    break;
                default:
                    headers[random.Next(headers.Count)] = Hostile.Pick(random, ["Sec-WebSocket-Version: 99", "Sec-WebSocket-Key: x", "Upgrade: h2c", "Connection: close"]);
                    what = "an upgrade with a wrong WebSocket header";
                    break;
            }

            return new WsCase(what, [], null, new Upgrade(target, [.. headers]));
        }

        private static byte[] RandomBytes(Random random, int count)
        {
            var bytes = new byte[count];
            random.NextBytes(bytes);
            return bytes;
        }

        private static bool IsUtf8(byte[] bytes)
        {
            try
            {
                StrictUtf8.GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        private static string Preview(byte[] bytes)
        {
            var text = new StringBuilder();
            foreach (var b in bytes.Take(200))
            {
                text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
            }

            return bytes.Length > 200 ? text.Append(CultureInfo.InvariantCulture, $"...({bytes.Length} bytes)").ToString() : text.ToString();
        }
    }
}

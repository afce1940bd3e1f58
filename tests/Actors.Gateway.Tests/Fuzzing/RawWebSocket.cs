using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Actors.Tests.Fuzzing;

/// <summary>A frame as read from the server.</summary>
internal sealed record WsFrame(bool Fin, int Opcode, byte[] Payload)
{
    public const int Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10;

    /// <summary>The status of a close frame, or null when it carries none.</summary>
    public int? CloseStatus => Opcode == Close && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;
}

/// <summary>
/// A WebSocket client on a bare TCP socket, so that a test can send what no WebSocket library would: reserved bits and
/// opcodes, unmasked or fragmented control frames, continuation frames out of place, text that is not UTF-8.
/// </summary>
internal sealed class RawWebSocket : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>
    /// Opens <c>/ws</c> with <paramref name="target"/> (path and query, written as given) and the extra header lines;
    /// returns the socket and the status line of the answer (the socket is usable only when it is a 101).
    /// </summary>
    public static async Task<(RawWebSocket Socket, string StatusLine)> ConnectAsync(
        int port, string target, IEnumerable<string> headers, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var socket = new RawWebSocket(tcp);
        var request = new StringBuilder($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        await socket._stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), cancellationToken);
        var head = await socket.ReadHeadAsync(cancellationToken);
        return (socket, head.Split("\r\n")[0]);
    }

    /// <summary>The header lines of an ordinary upgrade.</summary>
    public static string[] UpgradeHeaders() =>
    [
        "Upgrade: websocket", "Connection: Upgrade", $"Sec-WebSocket-Key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}",
        "Sec-WebSocket-Version: 13",
    ];

    /// <summary>
    /// Writes one frame as given: <paramref name="flags"/> are the FIN and RSV bits (0x80 = FIN alone). In one write, or in
    /// writes of <paramref name="writeSize"/> bytes (a client still sending while the server answers).
    /// </summary>
    public async Task SendFrameAsync(int flags, int opcode, ReadOnlyMemory<byte> payload, bool masked, CancellationToken cancellationToken, int? writeSize = null)
    {
        var header = new List<byte> { (byte)(flags | opcode) };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        var bytes = payload.ToArray();
        if (masked)
        {
            var mask = RandomNumberGenerator.GetBytes(4);
            header.AddRange(mask);
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= mask[i % 4];
            }
        }

        // One write per frame: a frame the server refuses is then read whole, not cut off by the reset of a second write.
        var frame = header.Concat(bytes).ToArray();
        for (var at = 0; at < frame.Length; at += writeSize ?? frame.Length)
        {
            await _stream.WriteAsync(frame.AsMemory(at, Math.Min(writeSize ?? frame.Length, frame.Length - at)), cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes bytes as they are (a frame header that lies, say).</summary>
    public ValueTask SendRawAsync(byte[] bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>The next frame, or null when the server closed the connection (an IOException when it reset it).</summary>
    public async Task<WsFrame?> ReceiveAsync(CancellationToken cancellationToken)
    {
        {
            if (!await FillAsync(2, cancellationToken))
            {
                return null;
            }

            var first = _buffer[_start];
            var second = _buffer[_start + 1];
            var headerLength = 2;
            long length = second & 0x7F;
            if (length == 126)
            {
                headerLength = 4;
                if (!await FillAsync(headerLength, cancellationToken))
                {
                    return null;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_start + 2));
            }
            else if (length == 127)
            {
                headerLength = 10;
                if (!await FillAsync(headerLength, cancellationToken))
                {
                    return null;
                }

                length = (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(_start + 2));
            }

            _start += headerLength;
            var payload = new byte[length];
            var copied = 0;
            while (copied < length)
            {
                if (_start == _end && !await FillAsync(1, cancellationToken))
                {
                    return null;
                }

                var take = (int)Math.Min(length - copied, _end - _start);
                _buffer.AsSpan(_start, take).CopyTo(payload.AsSpan(copied));
                _start += take;
                copied += take;
            }

            return new WsFrame((first & 0x80) != 0, first & 0x0F, payload);
        }
    }

    private async Task<string> ReadHeadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = Encoding.ASCII.GetString(_buffer, _start, _end - _start);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _start += end + 4;
                return text[..end];
            }

            if (!await FillAsync(_end - _start + 1, cancellationToken))
            {
                return text;
            }
        }
    }

    /// <summary>Reads until <paramref name="count"/> bytes are buffered; false at the end of the stream.</summary>
    private async Task<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

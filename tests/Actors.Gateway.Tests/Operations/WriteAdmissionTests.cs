using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Actors.Tests.Operations;

/// <summary>
/// Reads first: a gateway admitting one write at a time and queueing none. A write whose body is still arriving holds
/// the one turn (it was admitted before its body is read), so the next write is told the site is busy while reads are
/// answered as usual; once the first write is done, writes are admitted again.
/// </summary>
public sealed class WriteAdmissionTests : IDisposable
{
    private readonly GatewayFactory _site = new() { Settings = [("Writes:MaxConcurrent", "1"), ("Writes:QueueLimit", "0")] };
    private readonly int _port = GatewayFactory.FreePort();

    public WriteAdmissionTests()
    {
        // A real server: the held write is a socket that has sent its headers and part of its body.
        _site.UseKestrel(_port);
        _site.StartServer();
    }

    [Fact]
    public async Task Given_one_write_in_progress_when_another_write_and_a_read_come_then_the_write_is_told_busy_and_the_read_is_answered()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        const string body = "news_id=1&vote_type=up";
        TcpClient? held = null;
        try
        {
            // The held write is admitted some time after it is sent: until then a probe write goes through. If a probe
            // had the turn when the held write came, the held write was the one told busy (it has an answer): send it again.
            HttpResponseMessage? busy = null;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (busy is null && DateTime.UtcNow < deadline)
            {
                if (held is null || held.Available > 0)
                {
                    held?.Dispose();
                    held = new TcpClient();
                    await held.ConnectAsync(IPAddress.Loopback, _port);
                    await held.GetStream().WriteAsync(Encoding.ASCII.GetBytes(
                        $"POST /api/votenews HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {body.Length}\r\n\r\n{body[..^1]}"));
                }

                var probe = await client.PostAsync("/api/votenews", Form(body));
                if (probe.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    busy = probe;
                }
            }

            Assert.NotNull(busy);
            Assert.NotNull(held);
            Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
            using (var envelope = JsonDocument.Parse(await busy.Content.ReadAsStringAsync()))
            {
                Assert.Equal("err", envelope.RootElement.GetProperty("status").GetString());
                Assert.Contains("busy", envelope.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
            }

            var read = await client.GetAsync("/api/getnews/latest/0/10");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var rest = await client.PostAsync("/api/accounts", Form("owner=1"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
            Assert.Equal("application/problem+json", rest.Content.Headers.ContentType?.MediaType);

            var stream = held.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(body[^1..]));
            var answer = new byte[4096];
            var length = await stream.ReadAsync(answer);
            var first = Encoding.ASCII.GetString(answer, 0, length);
            Assert.StartsWith("HTTP/1.1 200", first, StringComparison.Ordinal); // the Lamernews envelope (not signed in), not a busy answer

            var after = await client.PostAsync("/api/votenews", Form("news_id=1&vote_type=up"));
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        finally
        {
            held?.Dispose();
        }
    }

    public void Dispose() => _site.Dispose();

    private static StringContent Form(string text) => new(text, Encoding.UTF8, "application/x-www-form-urlencoded");
}

using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Faults;

/// <summary>
/// A silo that stalls under a command (SIGSTOP, as in a long GC pause or a frozen VM) leaves the gateway without an
/// answer, while the command may already be applied. The gateway must say exactly that, through each door (Lamernews
/// API, REST, /ws): the nemesis run found a vote
/// answered "Something went wrong" (a refusal, to a client) that was in the log, and a deposit answered a bare 500.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class UnconfirmedAnswerTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Dictionary<string, string> SiteSettings = new()
    {
        ["News__UserCreationDelaySeconds"] = "0",
        ["News__NewsSubmissionBreakSeconds"] = "0",
        ["Users__PasswordHashIterations"] = "1000",
    };

    // The gateway gives up on a silo's answer after 2 s (10 s in the other fault tests), to keep the test short.
    private static readonly Dictionary<string, string> GatewaySettings = new(SiteSettings) { ["Orleans__Messaging__ResponseTimeout"] = "00:00:02" };

    private ProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = new ProcessCluster(await postgres.Server.CreateDatabaseAsync("unconfirmed"));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_command_whose_silo_stalls_is_answered_as_unknown_with_retry_after_never_as_a_refusal()
    {
        var silo = await _cluster.StartSiloAsync(SiteSettings);
        var (_, address) = await _cluster.StartGatewayAsync(GatewaySettings);
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        await Eventually(async () => await ProcessCluster.GatewayReadyAsync(http), "gateway (client mode) ready", TimeSpan.FromSeconds(60));

        var author = await SignUpAsync(http);
        var voter = await SignUpAsync(http);
        var submitted = await LamerAsync(http, "/api/submit", author,
            new() { ["title"] = "Voted on while its silo stalls", ["url"] = $"https://example.com/{Guid.NewGuid():N}", ["text"] = "", ["news_id"] = "-1" });
        var newsId = submitted.GetProperty("news_id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var opened = await SendAsync(http, HttpMethod.Post, "/api/accounts", voter, """{"currency":"EUR"}""");
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var accountId = JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();

        // The WebSocket door, connected (and so signed in) while the silo still answers.
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://{address.Authority}/ws?token={Uri.EscapeDataString(voter.Auth)}"), CancellationToken.None);

        silo.Signal("STOP");
        try
        {
            // A Lamernews command: its envelope, 503 with Retry-After, saying the outcome is unknown (not "try again").
            using var vote = await PostFormAsync(http, "/api/votenews", voter, new() { ["news_id"] = newsId, ["vote_type"] = "up" });
            var body = await vote.Content.ReadAsStringAsync();
            Assert.True(vote.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)vote.StatusCode}: {body}");
            Assert.Equal(TimeSpan.FromSeconds(2), vote.Headers.RetryAfter?.Delta);
            var lamer = JsonDocument.Parse(body).RootElement;
            Assert.Equal("err", lamer.GetProperty("status").GetString());
            Assert.Contains("may or may not have been applied", lamer.GetProperty("error").GetString(), StringComparison.Ordinal);

            // A REST command: ProblemDetails with the stable code outcome-unknown.
            using var deposit = await SendAsync(http, HttpMethod.Post, $"/api/accounts/{accountId}/deposit", voter, """{"amount":500}""");
            var problemText = await deposit.Content.ReadAsStringAsync();
            Assert.True(deposit.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)deposit.StatusCode}: {problemText}");
            Assert.Equal("outcome-unknown", JsonDocument.Parse(problemText).RootElement.GetProperty("code").GetString());

            // /ws: an error reply with the same code, not "Something went wrong".
            var message = JsonSerializer.SerializeToUtf8Bytes(new { @event = "account.deposit", id = "d1", data = new { account = accountId, amount = 700 } });
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            var reply = await ReplyAsync(socket, "d1");
            Assert.Equal("error", reply.GetProperty("event").GetString());
            Assert.True(reply.GetProperty("data").GetProperty("code").GetString() == "outcome-unknown", reply.ToString());
        }
        finally
        {
            silo.Signal("CONT");
        }

        // Unknown means either: once the silo runs again, repeating the command is safe and ends with it applied once.
        await Eventually(async () =>
        {
            using var again = await PostFormAsync(http, "/api/votenews", voter, new() { ["news_id"] = newsId, ["vote_type"] = "up" });
            var answer = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
            return again.StatusCode == HttpStatusCode.OK
                && (answer.GetProperty("status").GetString() == "ok" || answer.GetProperty("error").GetString() == "Duplicated vote.");
        }, "the vote repeated after the stall", TimeSpan.FromSeconds(60));
        await Eventually(async () =>
        {
            var news = await LamerGetAsync(http, $"/api/getnews/latest/0/1");
            return news.GetProperty("news")[0].GetProperty("up").GetInt64() == 2; // the author's own vote and this one, once
        }, "the news shows the vote once", TimeSpan.FromSeconds(30));
    }

    private sealed record Session(string Auth, string ApiSecret);

    private static async Task<Session> SignUpAsync(HttpClient http)
    {
        var name = $"u{Guid.NewGuid():N}"[..16];
        using var created = await http.PostAsync("/api/create_account",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = name, ["password"] = "secret-password" }));
        var account = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.True(account.GetProperty("status").GetString() == "ok", account.ToString());
        return new Session(account.GetProperty("auth").GetString()!, account.GetProperty("apisecret").GetString()!);
    }

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient http, string path, Session session, Dictionary<string, string> form)
    {
        form["apisecret"] = session.ApiSecret;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new("Bearer", session.Auth);
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> LamerAsync(HttpClient http, string path, Session session, Dictionary<string, string> form)
    {
        using var response = await PostFormAsync(http, path, session, form);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(answer.GetProperty("status").GetString() == "ok", answer.ToString());
        return answer;
    }

    private static async Task<JsonElement> LamerGetAsync(HttpClient http, string path) =>
        JsonDocument.Parse(await http.GetStringAsync(new Uri(path, UriKind.Relative))).RootElement;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, Session session, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", session.Auth);
        return await http.SendAsync(request);
    }

    /// <summary>The reply to message <paramref name="id"/> (pushes before it are skipped), within 30 s.</summary>
    private static async Task<JsonElement> ReplyAsync(ClientWebSocket socket, string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, timeout.Token);
                text.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            var message = JsonDocument.Parse(text.ToArray()).RootElement;
            if (message.TryGetProperty("id", out var replyTo) && replyTo.ValueKind == JsonValueKind.String && replyTo.GetString() == id)
            {
                return message;
            }
        }
    }
}

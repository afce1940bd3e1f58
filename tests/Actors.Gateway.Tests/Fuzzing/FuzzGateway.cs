using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Actors.Tests.Fuzzing;

/// <summary>
/// The fuzzed gateway: a real Kestrel server on a loopback port (so a dropped connection is a dropped connection, and
/// <c>/ws</c> can be sent frames no library writes), the Error log lines it writes, and a world of valid things to ask for:
/// a signed-in user with news, a comment, accounts and a transfer.
/// </summary>
public sealed class FuzzGateway : IAsyncLifetime
{
    private GatewayFactory? _site;

    internal ErrorLog Errors { get; } = new();

    internal int Port { get; } = GatewayFactory.FreePort();

    internal FuzzWorld World { get; private set; } = null!;

    internal GatewayFactory Site => _site ?? throw new InvalidOperationException("not started");

    internal IGrainFactory Grains => Site.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        _site = new GatewayFactory
        {
            Settings =
            [
                ("News:NewsSubmissionBreakSeconds", "0"),
                // Logins are exercised, not throttled (the throttle has its own tests); the same for /ws messages.
                ("Logins:PerUserPerMinute", "1000000"),
                ("Logins:PerAddressPerMinute", "1000000"),
                ("Realtime:MessagesPerSecond", "1000000"),
            ],
            TestServices = services => services.AddSingleton<ILoggerProvider>(Errors),
        };
        _site.UseKestrel(Port);
        _site.StartServer();

        // User 1 is the administrator; the fuzzed user is an ordinary one.
        await SignUp.NewAsync(Grains, "fzadmin", hashIterations: 1000);
        var user = await NewUserAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);

        var news = new List<long>();
        for (var i = 0; i < 11; i++)
        {
            var submitted = await Lamer(http, "/api/submit",
                ("apisecret", user.Secret), ("news_id", "-1"), ("title", $"Fuzz news {i}"), ("url", $"https://example.org/fuzz-world/{i}"), ("text", ""));
            news.Add(submitted.GetProperty("news_id").GetInt64());
        }

        var comment = await Lamer(http, "/api/postcomment",
            ("apisecret", user.Secret), ("news_id", news[0].ToString(CultureInfo.InvariantCulture)), ("comment_id", "-1"), ("parent_id", "-1"), ("comment", "A comment"));

        var accounts = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var opened = await Rest(http, "/api/accounts", new { currency = "EUR" });
            accounts.Add(opened.GetProperty("id").GetGuid());
        }

        await Rest(http, $"/api/accounts/{accounts[0]}/deposit", new { amount = 1_000_000_000 });
        var transfer = await Rest(http, "/api/transfers", new { id = "fz-world", from = accounts[0], to = accounts[1], amount = 1 });

        World = new FuzzWorld(
            user, news[0], comment.GetProperty("comment_id").GetInt64(), accounts[0], accounts[1], transfer.GetProperty("id").GetString()!,
            news.Skip(1).ToList(), accounts.Skip(2).ToList());
    }

    /// <summary>A new user, hashed as this gateway hashes (so its password, "password1", logs in).</summary>
    internal async Task<FuzzUser> NewUserAsync()
    {
        var user = await SignUp.NewAsync(Grains, "fz", hashIterations: 1000);
        return new FuzzUser(user.Id, user.Name, user.Token, user.Secret);
    }

    public async Task DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }
    }

    private static async Task<JsonElement> Lamer(HttpClient http, string path, params (string Key, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(p => KeyValuePair.Create(p.Key, p.Value)));
        using var response = await http.PostAsync(path, content);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(json.GetProperty("status").GetString() == "ok", $"{path}: {json}");
        return json;
    }

    private static async Task<JsonElement> Rest(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

[CollectionDefinition(Name)]
public sealed class FuzzCollection : ICollectionFixture<FuzzGateway>
{
    public const string Name = "fuzz";
}

/// <summary>
/// Keeps every Error (or worse) log line that carries an exception (a stack trace in the log), with what the fuzz test
/// was sending at that moment (<see cref="InFlight"/>).
/// </summary>
internal sealed class ErrorLog : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Names what is being sent now, for the report.</summary>
    public Func<string> InFlight { get; set; } = () => "";

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null)
            {
                log.Lines.Enqueue($"{category}: {formatter(state, exception)} ({exception.GetType().Name}: {exception.Message}) while sending {log.InFlight()}");
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Actors.Gateway.Realtime;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Actors.Tests.Fuzzing;

/// <summary>
/// Mutated valid requests to every route: no answer may be a 5xx, take longer than <see cref="FuzzRun.Bound"/>, drop
/// the connection, hide a failure behind "Something went wrong", be JSON that does not parse, or an RSS feed that is not
/// XML; and no request may log an error with a stack trace. Seeded: <c>FUZZ_SEED</c> replays a run, <c>FUZZ_CASE</c>
/// one case of it, <c>FUZZ_CASES</c> sets how many.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class HttpFuzzTests(FuzzGateway gateway, ITestOutputHelper output)
{
    /// <summary>Kestrel's longest request line (its default limit, 8 KB).</summary>
    private const int MaxRequestLine = 8 * 1024;

    /// <summary>Kestrel's largest header section (its default limit, 32 KB).</summary>
    private const int MaxRequestHeaders = 32 * 1024;

    /// <summary>The largest body any route reads (news and user routes: 64 KB).</summary>
    private const int LargestBodyRead = 64 * 1024;

    [Fact]
    public void Given_every_route_the_gateway_maps_When_the_fuzz_table_is_read_Then_it_has_a_valid_request_for_each()
    {
        var mapped = gateway.Site.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet(StringComparer.Ordinal);
        var table = FuzzTable.Routes.SelectMany(r => r.Methods.Select(m => $"{m} {r.Pattern}")).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(mapped.Except(table).Order(StringComparer.Ordinal)); // mapped, but not fuzzed: add it to FuzzTable
        Assert.Empty(table.Except(mapped).Where(r => !FuzzTable.Unrouted.Any(u => r.EndsWith(" " + u, StringComparison.Ordinal))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Given_every_ws_command_When_the_fuzz_table_is_read_Then_it_has_a_valid_message_for_each()
    {
        Assert.Equal(WsCommands.Names.Order(StringComparer.Ordinal), FuzzTable.Commands.Select(c => c.Event).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Given_mutated_valid_requests_to_every_route_When_sent_Then_none_gets_a_5xx_hangs_drops_the_connection_or_logs_a_stack_trace()
    {
        var run = FuzzRun.FromEnvironment("http", defaultCases: 4000);
        var world = gateway.World;
        var routes = FuzzTable.Routes.Concat(FuzzTable.PostgresOnly).ToList();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 16,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        var statuses = new ConcurrentDictionary<string, int>();
        var inFlight = new ConcurrentDictionary<int, string>();
        gateway.Errors.InFlight = () => string.Join(" or ", inFlight.Select(c => $"case {c.Key} ({c.Value})"));
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(run.Cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (index, cancellationToken) =>
        {
            var random = run.RandomOf(index);
            var route = routes[random.Next(routes.Count)];
            var user = route.OwnUser ? await gateway.NewUserAsync() : world.User;
            var request = route.Valid(world, user, random);
            var applied = new List<string>();
            // One case in ten is left valid: the valid request itself must be answered well too.
            for (var mutations = random.Next(10) == 0 ? 0 : random.Next(1, 4); mutations > 0; mutations--)
            {
                Mutations.Mutate(request, user, random, applied);
            }

            var written = request.Write(user);
            if (applied.Count > 0 && random.Next(4) == 0)
            {
                written = Mutations.MutateBytes(written, random, applied);
            }

            inFlight[index] = route.Pattern;
            try
            {
                var (status, problem) = await SendAsync(http, written);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (problem is not null)
                {
                    run.Fail(index, $"{problem}; {string.Join(", ", applied.DefaultIfEmpty("valid"))}; sent {written}");
                }
            }
            finally
            {
                inFlight.TryRemove(index, out _);
            }
        });

        output.WriteLine($"HTTP fuzz: {run.Cases.Count} cases, seed {run.Seed}, {clock.Elapsed.TotalSeconds:F1} s; answers: " +
            string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} x{s.Value}")));
        run.AssertPassed(output, gateway.Errors);
    }

    /// <summary>Sends one request: its status (or what happened instead) and the problem with the answer, if any.</summary>
    private async Task<(string Status, string? Problem)> SendAsync(HttpClient http, WrittenRequest written)
    {
        using var message = new HttpRequestMessage(new HttpMethod(written.Method), new Uri(
            $"http://127.0.0.1:{gateway.Port}{written.Target}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
        foreach (var (name, value) in written.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (written.Body is not null)
        {
            message.Content = new ByteArrayContent(written.Body);
            if (written.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", written.ContentType);
            }
        }

        using var bound = new CancellationTokenSource(FuzzRun.Bound);
        try
        {
            using var response = await http.SendAsync(message, bound.Token);
            var body = await response.Content.ReadAsByteArrayAsync(bound.Token);
            var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            return (status, Problem(written, response, body));
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            return ("hang", $"no answer within {FuzzRun.Bound.TotalSeconds} s");
        }
        catch (HttpRequestException e) when (written.Target.Length > MaxRequestLine
            || written.Headers.Sum(h => h.Name.Length + h.Value.Length + 4) > MaxRequestHeaders
            || written.Body is { Length: > LargestBodyRead })
        {
            // Kestrel refuses a request line or a header section over its limits (414, 431) before any of the gateway's
            // code runs, and a route answers a body it will not read (over every body limit, or sent to a page) without
            // reading it; then the connection is closed rather than megabytes drained (HTTP allows a server to answer
            // early and close). A client still sending may not get to read that answer, depending on timing: the
            // server's rule, not a drop.
            return ("refused while sending", e.InnerException is IOException ? null : $"the connection was dropped ({e.Message})");
        }
        catch (HttpRequestException e)
        {
            return ("dropped", $"the connection was dropped ({e.Message} {e.InnerException?.Message})");
        }
    }

    private static string? Problem(WrittenRequest written, HttpResponseMessage response, byte[] body)
    {
        if ((int)response.StatusCode >= 500)
        {
            return $"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)))}";
        }

        var text = Encoding.UTF8.GetString(body);
        if (text.Contains("Something went wrong", StringComparison.Ordinal))
        {
            return "an internal failure behind 'Something went wrong'";
        }

        var type = response.Content.Headers.ContentType?.MediaType;
        if (body.Length > 0 && type is "application/json" or "application/problem+json")
        {
            try
            {
                using var _ = JsonDocument.Parse(body);
            }
            catch (JsonException e)
            {
                return $"an answer that is not JSON: {e.Message}";
            }
        }

        if (body.Length > 0 && response.StatusCode == HttpStatusCode.OK && written.Target.StartsWith("/rss", StringComparison.Ordinal))
        {
            try
            {
                XDocument.Parse(text);
            }
            catch (System.Xml.XmlException e)
            {
                return $"an RSS feed that is not XML: {e.Message}";
            }
        }

        return null;
    }
}

/// <summary>
/// One seeded run: which cases, each case's own random source (so one case replays alone), the failures found, and the
/// report with the seed.
/// </summary>
internal sealed class FuzzRun
{
    /// <summary>The longest any answer may take.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly string _name;
    private readonly ConcurrentQueue<(int Case, string What)> _failures = new();

    private FuzzRun(string name, int seed, IReadOnlyList<int> cases)
    {
        _name = name;
        Seed = seed;
        Cases = cases;
    }

    public int Seed { get; }

    /// <summary>The seed of the suite's own runs: a verdict that does not change from run to run. Explore with FUZZ_SEED=random.</summary>
    public const int DefaultSeed = 20261206;

    public IReadOnlyList<int> Cases { get; }

    /// <summary>
    /// <c>FUZZ_SEED</c> (a number, or <c>random</c> for a new seed, printed; else <see cref="DefaultSeed"/>, so the suite
    /// gives the same verdict on every run), <c>FUZZ_CASES</c> (else <paramref name="defaultCases"/>), <c>FUZZ_CASE</c>
    /// (only that case).
    /// </summary>
    public static FuzzRun FromEnvironment(string name, int defaultCases)
    {
        var seed = Environment.GetEnvironmentVariable("FUZZ_SEED") == "random" ? Random.Shared.Next(1, 1_000_000) : Number("FUZZ_SEED") ?? DefaultSeed;
        var count = Number("FUZZ_CASES") ?? defaultCases;
        IReadOnlyList<int> cases = Number("FUZZ_CASE") is { } only ? [only] : Enumerable.Range(0, count).ToList();
        return new FuzzRun(name, seed, cases);
    }

    /// <summary>The random source of case <paramref name="index"/>: the same for the same seed, on any machine.</summary>
    public Random RandomOf(int index) => new(unchecked((Seed * 1_000_003) + (index * 7919) + _name.Length));

    public void Fail(int index, string what) => _failures.Enqueue((index, what));

    public void AssertPassed(ITestOutputHelper output, ErrorLog errors)
    {
        var logged = errors.Lines.ToArray();
        errors.Lines.Clear();
        if (_failures.IsEmpty && logged.Length == 0)
        {
            return;
        }

        var report = new StringBuilder(
            $"{_name} fuzz failed: {_failures.Count} of {Cases.Count} cases, {logged.Length} Error log lines with a stack trace. " +
            $"Replay with FUZZ_SEED={Seed} (one case: also FUZZ_CASE=<case>).\n");
        foreach (var (index, what) in _failures.OrderBy(f => f.Case).Take(25))
        {
            report.Append(CultureInfo.InvariantCulture, $"case {index}: {what}\n");
        }

        foreach (var line in logged.Take(10))
        {
            report.Append(CultureInfo.InvariantCulture, $"logged: {line}\n");
        }

        output.WriteLine(report.ToString());
        Assert.Fail(report.ToString());
    }

    private static int? Number(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

using System.Globalization;
using System.Text.Json;
using Actors.Tests.Infrastructure;

namespace Actors.Tests.Operations;

/// <summary>
/// The built silo and gateway, started as an operator starts them from some other directory (no <c>--contentRoot</c>, no
/// log settings in the environment), read their own <c>appsettings.json</c>: its log levels are in effect. Without it a
/// silo logged Orleans' (and Polly's) Information lines, and a gateway every request.
/// </summary>
public sealed class OwnSettingsTests : IDisposable
{
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("actors-elsewhere-").FullName;

    [Fact]
    public async Task Given_a_silo_started_from_another_directory_when_it_runs_and_stops_then_it_logs_no_Orleans_information()
    {
        await using var silo = AppProcess.StartAsOperator("Actors.Silo", "silo", _elsewhere, new Dictionary<string, string>
        {
            ["Orleans__SiloPort"] = AppProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = AppProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        });

        await Eventually(() => Lines(silo).Any(l => l.Message.StartsWith("Application started", StringComparison.Ordinal)), "the silo has started", TimeSpan.FromSeconds(60));
        await silo.StopAsync();

        var lines = Lines(silo);
        Assert.Contains(lines, l => l.Category == "Microsoft.Hosting.Lifetime" && l.Level == "Information");
        Assert.DoesNotContain(lines, l => (l.Category.StartsWith("Orleans", StringComparison.Ordinal) || l.Category.StartsWith("Polly", StringComparison.Ordinal)) && l.Level == "Information");
    }

    [Fact]
    public async Task Given_a_gateway_started_from_another_directory_without_a_content_root_when_it_serves_requests_then_it_does_not_log_each_one()
    {
        var port = AppProcess.FreePort();
        await using var gateway = AppProcess.StartAsOperator("Actors.Gateway", "gateway", _elsewhere, new Dictionary<string, string>
        {
            ["Orleans__SiloPort"] = AppProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = AppProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        }, "--urls", $"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await Eventually(async () => await Answers(http, "/health/ready"), "the gateway is ready", TimeSpan.FromSeconds(60));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await Answers(http, "/api/getnews/top/0/5"));
        }

        await gateway.StopAsync();

        var lines = Lines(gateway);
        Assert.Contains(lines, l => l.Category == "Microsoft.Hosting.Lifetime" && l.Level == "Information");
        Assert.DoesNotContain(lines, l => l.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && l.Level == "Information");
        Assert.DoesNotContain(lines, l => l.Category.StartsWith("Orleans", StringComparison.Ordinal) && l.Level == "Information");
    }

    public void Dispose() => Directory.Delete(_elsewhere, recursive: true);

    private static async Task<bool> Answers(HttpClient http, string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private sealed record LogLine(string Category, string Level, string Message);

    /// <summary>The JSON log lines written so far (other output, such as a crash's stack trace, is skipped).</summary>
    private static List<LogLine> Lines(AppProcess app)
    {
        var lines = new List<LogLine>();
        foreach (var text in app.Output.Split('\n'))
        {
            if (!text.StartsWith('{'))
            {
                continue;
            }

            try
            {
                var json = JsonDocument.Parse(text).RootElement;
                lines.Add(new LogLine(
                    json.TryGetProperty("Category", out var c) ? c.GetString() ?? "" : "",
                    json.TryGetProperty("LogLevel", out var l) ? l.GetString() ?? "" : "",
                    json.TryGetProperty("Message", out var m) ? m.GetString() ?? "" : ""));
            }
            catch (JsonException)
            {
                // a line cut short: not a log line to judge
            }
        }

        return lines;
    }
}

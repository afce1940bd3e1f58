using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Actors.Load;

/// <summary>
/// <c>votes-wrk</c>: the <c>votes</c> scenario with <c>wrk</c> as the HTTP client instead of this process. The load
/// generator shares the machine's cores with the gateway, and .NET's HttpClient costs several times more CPU per call
/// than wrk does, so this shows what the gateway does when the client is cheap (as the wrk row of the top-30 reads).
/// This tool only prepares: it registers the voters and the news, writes a Lua script that posts distinct
/// (voter, news) up-votes to <c>/api/votenews</c> with Lamernews' parameters (and counts every answer that is not the
/// ok envelope), then runs <c>wrk</c> twice, a warm-up and the measured run, on disjoint pairs.
/// </summary>
internal static class WrkVotes
{
    public static async Task<int> Run(NewsApiClient api, LoadOptions o)
    {
        var (voters, news) = await Setup.VotersAndNews(api, o);

        var script = Path.Combine(Path.GetTempPath(), $"actors-votes-{Environment.ProcessId}.lua");
        await File.WriteAllTextAsync(script, Script(voters, news));
        var threads = Math.Max(1, o.WrkThreads);
        var url = o.Url.TrimEnd('/') + "/api/votenews";
        Console.WriteLine($"script: {script}");
        try
        {
            long offset = 0;
            if (o.Warmup > TimeSpan.Zero)
            {
                Console.WriteLine($"warm-up {o.Warmup.TotalSeconds:F0} s...");
                var warm = await RunWrk(threads, o.Workers, o.Warmup, script, url, offset, echo: false);
                if (warm is null)
                {
                    return 1;
                }

                offset = warm.NextOffset;
            }

            var callsBefore = await GrainCalls(api);
            var cpuBefore = Runner.CpuSeconds(o.GatewayPid);
            var result = await RunWrk(threads, o.Workers, o.Duration, script, url, offset, echo: true);
            var cpu = Runner.CpuSeconds(o.GatewayPid) - cpuBefore;
            var calls = await GrainCalls(api) - callsBefore;
            if (result is null)
            {
                return 1;
            }

            var rate = result.Requests / result.Seconds;
            Console.WriteLine(
                $"up-votes (wrk -t{threads} -c{o.Workers}): {rate:F0}/s ({result.Requests:N0} in {result.Seconds:F1} s, {result.NotOk} not ok), " +
                $"latency p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, p999 {result.P999Ms:F2} ms; {rate / 700:F1}x Lamernews (~700/s)");
            if (cpu is { } used && result.Requests > 0)
            {
                Console.WriteLine(
                    $"gateway CPU: {used:F1} s ({used / result.Seconds:F2} cores), {used * 1e6 / result.Requests:F0} us per call " +
                    $"=> {result.Requests / used:F0}/s per fully used core");
            }

            if (calls is { } n && result.Requests > 0)
            {
                // Every grain call the votes caused (Orleans' application requests), stream deliveries included.
                Console.WriteLine($"grain calls: {n / (double)result.Requests:F1} per vote");
            }

            if (result.NextOffset > (long)voters.Length * news.Length)
            {
                Console.WriteLine("ran out of distinct pairs: raise --users or --news");
            }

            return result.NotOk == 0 ? 0 : 1;
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>The gateway's count of application grain calls so far (from <c>/metrics</c>), or null when it cannot be read.</summary>
    private static async Task<double?> GrainCalls(NewsApiClient api)
    {
        try
        {
            var text = await api.ReadText("/metrics");
            double total = 0;
            foreach (var line in text.Split('\n'))
            {
                if (line.StartsWith("orleans_app_requests_latency_milliseconds_count", StringComparison.Ordinal))
                {
                    total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                }
            }

            return total;
        }
        catch (Exception e) when (e is HttpRequestException or FormatException)
        {
            return null;
        }
    }

    private sealed record WrkResult(long Requests, double Seconds, double P50Ms, double P99Ms, double P999Ms, long NotOk, long NextOffset);

    private static async Task<WrkResult?> RunWrk(int threads, int connections, TimeSpan duration, string script, string url, long offset, bool echo)
    {
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            $"-t{threads}", $"-c{connections}", $"-d{Math.Max(1, (int)duration.TotalSeconds)}s", "--timeout", "30s", "-s", script, url,
            "--", offset.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"wrk is not installed (e.g. apt-get install wrk); the script is {script}: wrk -t{threads} -c{connections} -d{duration.TotalSeconds:F0}s -s {script} {url} -- 0 {threads}");
            return null;
        }

        using (process)
        {
            var output = await process!.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (echo)
            {
                Console.Write(output);
            }

            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null)
            {
                Console.Error.WriteLine($"wrk failed ({process.ExitCode}): {output}{errors}");
                return null;
            }

            var fields = line["RESULT ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('='))
                .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
            return new WrkResult(
                (long)fields["requests"], fields["duration_us"] / 1e6, fields["p50_us"] / 1e3, fields["p99_us"] / 1e3, fields["p999_us"] / 1e3,
                (long)fields["not_ok"], (long)fields["next_offset"]);
        }
    }

    /// <summary>
    /// The Lua script: the accounts and news as tables; pair k (k = offset + thread + n * threads, so threads never share
    /// a pair) is k * stride mod pairs, a scattered order as in the <c>votes</c> scenario.
    /// </summary>
    private static string Script(Account[] voters, long[] news)
    {
        var total = (long)voters.Length * news.Length;
        var lua = new StringBuilder();
        lua.AppendLine("-- Generated by Actors.Load votes-wrk: distinct (voter, news) up-votes. Args: <first pair> <threads>.");
        lua.Append("local auths = {").AppendJoin(',', voters.Select(v => Quote(v.Auth))).AppendLine("}");
        lua.Append("local secrets = {").AppendJoin(',', voters.Select(v => Quote(v.Secret))).AppendLine("}");
        lua.Append("local news = {").AppendJoin(',', news.Select(n => n.ToString(CultureInfo.InvariantCulture))).AppendLine("}");
        lua.AppendLine(CultureInfo.InvariantCulture, $"local total = {total}");
        lua.AppendLine(CultureInfo.InvariantCulture, $"local stride = {Setup.CoprimeStride(total)}");
        lua.Append("""
            local threads = {}
            local offset, count, n = 0, 1, 0
            not_ok = 0
            used = 0
            first_error = ""

            function setup(thread)
              thread:set("index", #threads)
              table.insert(threads, thread)
            end

            function init(args)
              offset = tonumber(args[1] or "0")
              count = tonumber(args[2] or "1")
            end

            function request()
              local k = offset + index + n * count
              n = n + 1
              used = k + 1
              local pair = (k * stride) % total
              local voter = math.floor(pair / #news) + 1
              local id = news[(pair % #news) + 1]
              return wrk.format("POST", "/api/votenews",
                { ["Authorization"] = "Bearer " .. auths[voter], ["Content-Type"] = "application/x-www-form-urlencoded" },
                "apisecret=" .. secrets[voter] .. "&news_id=" .. id .. "&vote_type=up")
            end

            function response(status, headers, body)
              if status ~= 200 or not string.find(body, '"status":"ok"', 1, true) then
                not_ok = not_ok + 1
                if first_error == "" then first_error = status .. " " .. body end
              end
            end

            function done(summary, latency, requests)
              local bad, next_offset, first = 0, 0, ""
              for _, t in ipairs(threads) do
                bad = bad + t:get("not_ok")
                next_offset = math.max(next_offset, t:get("used"))
                if first == "" then first = t:get("first_error") end
              end
              if first ~= "" then print("first error: " .. first) end
              print(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d not_ok=%d socket_errors=%d next_offset=%d",
                summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9), bad,
                summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, next_offset + count))
            end

            """);
        return lua.ToString();

        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}

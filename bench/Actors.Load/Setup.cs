using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Actors.Load;

internal static class Setup
{
    /// <summary>
    /// <c>--users</c> registered users and <c>--news</c> news by authors of their own (an author's news already
    /// carries the author's vote, so every (user, news) pair is a vote still to cast).
    /// </summary>
    public static async Task<(Account[] Users, long[] News)> VotersAndNews(NewsApiClient api, LoadOptions o)
    {
        Console.WriteLine($"setup: {o.Users} users, {o.News} news ({o.Users * (long)o.News:N0} distinct vote pairs)...");
        var sw = Stopwatch.StartNew();
        var users = await Accounts(api, o.Users);
        var authors = await Accounts(api, Math.Max(1, o.News / 10));
        var news = await News(api, authors, o.News);
        Console.WriteLine($"setup done in {sw.Elapsed.TotalSeconds:F1} s");
        return (users, news);
    }

    public static async Task<Account[]> Accounts(NewsApiClient api, int count)
    {
        var accounts = new Account[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) => accounts[i] = await api.CreateAccount());
        return accounts;
    }

    public static async Task<long[]> News(NewsApiClient api, Account[] authors, int count)
    {
        var ids = new long[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            ids[i] = await api.Submit(authors[i % authors.Length], $"Load news {i}", $"https://load.example/{Guid.NewGuid():N}"));
        return ids;
    }

    /// <summary>A stride coprime with <paramref name="n"/>, so k * stride mod n visits every pair once in a scattered order.</summary>
    public static long CoprimeStride(long n)
    {
        var stride = (long)(n * 0.6180339887) | 1;
        while (Gcd(stride, n) != 1)
        {
            stride += 2;
        }

        return stride;

        static long Gcd(long x, long y) => y == 0 ? x : Gcd(y, x % y);
    }
}

/// <summary>
/// Every (voter, news) pair once, in a scattered order (k * stride mod pairs), so consecutive votes hit different
/// news and different voters; safe to call from many workers.
/// </summary>
internal sealed class DistinctPairs(int voters, int news)
{
    private readonly long _total = (long)voters * news;
    private readonly long _stride = Setup.CoprimeStride((long)voters * news);
    private long _next = -1;

    public (int Voter, int News) Next()
    {
        var k = Interlocked.Increment(ref _next);
        if (k >= _total)
        {
            throw new InvalidOperationException("Out of distinct pairs: raise --users or --news.");
        }

        var pair = k * _stride % _total;
        return ((int)(pair / news), (int)(pair % news));
    }
}

internal sealed record RunResult(long Count, long Errors, TimeSpan Elapsed, List<double> LatenciesMs, string? FirstError)
{
    /// <summary>CPU seconds the gateway process used during the run (from /proc), when its pid was given.</summary>
    public double? GatewayCpuSeconds { get; init; }

    public void Print(string what, double? lamernews)
    {
        var rate = Count / Elapsed.TotalSeconds;
        LatenciesMs.Sort();
        Console.WriteLine(
            $"{what}: {rate:F0}/s ({Count:N0} in {Elapsed.TotalSeconds:F1} s, {Errors} errors), " +
            $"latency p50 {Runner.Percentile(LatenciesMs, 0.50):F2} ms, p99 {Runner.Percentile(LatenciesMs, 0.99):F2} ms, " +
            $"p999 {Runner.Percentile(LatenciesMs, 0.999):F2} ms" +
            (lamernews is { } anchor ? $"; {rate / anchor:F1}x Lamernews (~{anchor:N0}/s)" : ""));
        if (GatewayCpuSeconds is { } cpu && Count > 0)
        {
            Console.WriteLine(
                $"gateway CPU: {cpu:F1} s ({cpu / Elapsed.TotalSeconds:F2} cores), {cpu * 1e6 / Count:F0} us per call " +
                $"=> {Count / cpu:F0}/s per fully used core");
        }

        if (FirstError is not null)
        {
            Console.WriteLine($"first error: {FirstError}");
        }
    }
}

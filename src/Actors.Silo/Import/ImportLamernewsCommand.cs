using System.Globalization;
using Actors.Hosting;
using Actors.News;
using Actors.Seeding;
using Actors.Seeding.Lamernews;
using Actors.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Actors.Silo.Import;

/// <summary>
/// <c>Actors.Silo import-lamernews --redis HOST:PORT [--dry-run] [--pbkdf2-iterations N]</c>: moves a Lamernews / Echo JS
/// site from its Redis into the PostgreSQL event log (<c>ConnectionStrings__Postgres</c>), with a silo of its own as the
/// <c>seed</c> command does. Exit codes: 0 imported (the report lists what was skipped), 1 Redis unreachable or the log
/// holds another site, 2 bad arguments.
/// </summary>
public static class ImportLamernewsCommand
{
    public const string Usage = """
        usage: Actors.Silo import-lamernews --redis HOST:PORT [--dry-run] [--pbkdf2-iterations N]
          --redis HOST:PORT        the Lamernews / Echo JS Redis (a StackExchange.Redis configuration string:
                                   "127.0.0.1:10000", "host:6379,password=...,defaultDatabase=0")
          --dry-run                read the site and report what would be imported; write nothing (no database needed)
          --pbkdf2-iterations N    the site's PBKDF2Iterations (app_config.rb; default 1000)
        Needs ConnectionStrings__Postgres (a new database, or one an earlier run of this import wrote to: a rerun
        writes only what is missing). Ids, times, karma and password hashes are kept (README "Coming from Lamernews").
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        string? redisAddress = null;
        var dryRun = false;
        var iterations = 1000;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--redis" when i + 1 < args.Length:
                    redisAddress = args[++i];
                    break;
                case "--pbkdf2-iterations" when i + 1 < args.Length
                    && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1:
                    iterations = n;
                    i++;
                    break;
                default:
                    return await BadArgumentsAsync($"unknown option or missing value: {args[i]}");
            }
        }

        if (string.IsNullOrWhiteSpace(redisAddress))
        {
            return await BadArgumentsAsync("--redis is required.");
        }

        ConfigurationOptions redisOptions;
        try
        {
            redisOptions = ConfigurationOptions.Parse(redisAddress);
        }
        catch (ArgumentException e)
        {
            return await BadArgumentsAsync($"--redis '{redisAddress}': {e.Message}");
        }

        var builder = Host.CreateApplicationBuilder([]);
        // A command prints its own progress and report: the host's start and stop lines would only interleave with them.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        if (!dryRun && builder.Configuration.PostgresConnectionString() is null)
        {
            return await BadArgumentsAsync("set ConnectionStrings__Postgres (the PostgreSQL database to import into), or use --dry-run.");
        }

        // Read first, before any database is touched: an unreachable Redis ends here with nothing written.
        redisOptions.AbortOnConnectFail = true;
        redisOptions.ConnectTimeout = 5000;
        redisOptions.ConnectRetry = 1;
        redisOptions.AllowAdmin = false;
        LamernewsSite site;
        try
        {
            Progress($"reading Redis at {redisAddress}");
            await using var redis = await ConnectionMultiplexer.ConnectAsync(redisOptions);
            var server = redis.GetServers().FirstOrDefault();
            site = await new LamernewsRedisReader(redis.GetDatabase(), server, Progress).ReadAsync();
        }
        catch (RedisConnectionException e)
        {
            await Console.Error.WriteLineAsync($"import-lamernews: cannot reach Redis at {redisAddress}: {e.Message}");
            return 1;
        }
        catch (RedisTimeoutException e)
        {
            await Console.Error.WriteLineAsync($"import-lamernews: Redis at {redisAddress} did not answer in time: {e.Message}");
            return 1;
        }

        Progress($"read {site.Users.Count:N0} users and {site.News.Count:N0} news ({site.Skipped.Count:N0} items skipped so far)");
        builder.Services.AddNewsAndUsersOptions(builder.Configuration);
        if (dryRun)
        {
            await using var options = builder.Services.BuildServiceProvider();
            var news = options.GetRequiredService<IOptions<NewsOptions>>().Value;
            var planned = await LamernewsImportServices.DryRunAsync(site, news, iterations, Progress);
            Console.WriteLine($"dry run, nothing written:{Environment.NewLine}{planned}");
            return 0;
        }

        builder.AddActorsSilo(silo => silo.WithoutDelivery());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var report = await host.Services.ImportLamernewsAsync(site, iterations, Progress);
            Console.WriteLine($"imported:{Environment.NewLine}{report}");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"import-lamernews: {e.Message}");
            return 1;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static void Progress(string message) =>
        Console.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {message}");

    private static async Task<int> BadArgumentsAsync(string message)
    {
        await Console.Error.WriteLineAsync($"import-lamernews: {message}{Environment.NewLine}{Usage}");
        return 2;
    }
}

using System.Globalization;
using Actors.Hosting;
using Actors.Seeding;
using Actors.Users;
using Microsoft.Extensions.Logging;

namespace Actors.Silo;

/// <summary>
/// <c>Actors.Silo seed --news N [--users N] [--days D] [--seed S]</c>: builds a generated site straight into the
/// PostgreSQL event log (<c>ConnectionStrings__Postgres</c>) and its grain storage, with a silo of its own that joins the
/// cluster while it seeds and leaves when done (set <c>Orleans__SiloPort</c>/<c>Orleans__GatewayPort</c> if another silo
/// uses the defaults on this machine). Bad arguments: a message and exit code 2.
/// </summary>
public static class SeedCommand
{
    public const string Usage = """
        usage: Actors.Silo seed --news N [--users N] [--days D] [--seed S] [--max-votes N] [--vote-shape X]
          --news N        news to generate (required, 1 or more)
          --users N       users (default: news / 5, at least 1,000)
          --days D        creation times spread over the D days before now (default 365)
          --seed S        random seed (default 1): the same seed gives the same site
          --max-votes N   most votes one news gets (default 5,000)
          --vote-shape X  Pareto shape of votes per news (default 1.3; lower: more votes)
        Needs ConnectionStrings__Postgres and an event log without users or news. Users are user1, user2, ... with the
        password "password1". The in-memory site seeds at gateway start-up instead (Seed__News=N).
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var (options, error) = Parse(args);
        if (error is not null)
        {
            await Console.Error.WriteLineAsync($"seed: {error}{Environment.NewLine}{Usage}");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder([]);
        // A command prints its own progress and report: the host's start and stop lines would only interleave with them.
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        if (builder.Configuration.PostgresConnectionString() is null)
        {
            await Console.Error.WriteLineAsync($"seed: set ConnectionStrings__Postgres (the PostgreSQL site to seed).{Environment.NewLine}{Usage}");
            return 2;
        }

        builder.Services.AddNewsAndUsersOptions(builder.Configuration);
        builder.AddActorsSilo(silo => silo.WithoutDelivery());
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var report = await host.Services.SeedSiteAsync(options!);
            Console.WriteLine($"seeded: {report}");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"seed: {e.Message}");
            return 1;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The options the arguments ask for, or a sentence saying what is wrong with them.</summary>
    public static (SeedOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new SeedOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Count)
            {
                return (null, $"{name} needs a value.");
            }

            var value = args[++i];
            var ok = name switch
            {
                "--news" => TryInt(value, 1, v => options.News = v),
                "--users" => TryInt(value, 1, v => options.Users = v),
                "--days" => TryInt(value, 1, v => options.Days = v),
                "--seed" => TryInt(value, int.MinValue, v => options.Seed = v),
                "--max-votes" => TryInt(value, 0, v => options.MaxVotes = v),
                "--vote-shape" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var shape) && shape > 0
                    && Set(() => options.VoteShape = shape),
                _ => (bool?)null,
            };
            if (ok is null)
            {
                return (null, $"unknown option {name}.");
            }

            if (ok == false)
            {
                return (null, $"{name} takes a number{(name is "--seed" ? "" : " above 0")}, not '{value}'.");
            }
        }

        if (options.News < 1)
        {
            return (null, "--news is required.");
        }

        return options.Problem() is { } problem ? (null, problem) : (options, null);
    }

    private static bool? TryInt(string value, int minimum, Action<int> set)
    {
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < minimum)
        {
            return false;
        }

        set(v);
        return true;
    }

    private static bool Set(Action set)
    {
        set();
        return true;
    }
}

using Actors.Bench;
using Actors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Durable throughput and delay of the PostgreSQL mode, on the database given by ConnectionStrings__Postgres.
// Run by bench/postgres-bench.sh next to pgbench on the same server. Arguments: seconds per phase, concurrency.
var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
// Optional third argument: the phases to run (comma-separated: appends, commands, delay, votes, submissions, transfers,
// reads); default all.
var phases = args.Length > 2 ? args[2].Split(',') : ["appends", "commands", "delay", "votes", "submissions", "transfers", "reads"];

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration["Orleans:UseLoopback"] = "true";
// Voters need karma for many up-votes (each costs 1); registrations are not rate-limited here.
builder.Configuration["News:UserInitialKarma"] = "1000000";
builder.Configuration["News:UserCreationDelaySeconds"] = "0";
builder.Configuration["News:NewsSubmissionBreakSeconds"] = "0";
if (builder.Configuration.PostgresConnectionString() is null)
{
    Console.Error.WriteLine("Set ConnectionStrings__Postgres.");
    return 2;
}

await CpuMeter.FindPostmasterAsync(builder.Configuration.PostgresConnectionString()!);
builder.AddActorsSilo();
using var host = builder.Build();
await host.StartAsync();

var bench = new DurabilityBench(host.Services, TimeSpan.FromSeconds(seconds), concurrency);
if (phases.Contains("appends"))
{
    await bench.EventLogAppendsAsync();
}

if (phases.Contains("commands"))
{
    await bench.GrainCommandsAsync();
}

if (phases.Contains("delay"))
{
    await bench.AppendToConsumerDelayAsync();
}

var system = new SystemBench(host.Services, TimeSpan.FromSeconds(seconds), concurrency);
if (phases.Contains("votes"))
{
    await Quiesce.WaitAsync(host.Services);
    await system.UpVotesAsync();
}

if (phases.Contains("submissions"))
{
    await Quiesce.WaitAsync(host.Services);
    await system.SubmissionsAsync();
}

if (phases.Contains("transfers"))
{
    await Quiesce.WaitAsync(host.Services);
    await system.TransfersAsync();
}

if (phases.Contains("reads"))
{
    await Quiesce.WaitAsync(host.Services);
    await system.BalanceReadsAsync();
}

await host.StopAsync();
return 0;

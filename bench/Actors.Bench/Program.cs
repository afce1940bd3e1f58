using Actors.Bench;
using Actors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Durable throughput and delay of the PostgreSQL mode, on the database given by ConnectionStrings__Postgres.
// Run by bench/postgres-bench.sh next to pgbench on the same server. Arguments: seconds per phase, concurrency.
var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration["Orleans:UseLoopback"] = "true";
// Voters need karma for many up-votes (each costs 1); registrations are not rate-limited here.
builder.Configuration["News:UserInitialKarma"] = "1000000";
builder.Configuration["News:UserCreationDelaySeconds"] = "0";
if (builder.Configuration.PostgresConnectionString() is null)
{
    Console.Error.WriteLine("Set ConnectionStrings__Postgres.");
    return 2;
}

builder.AddActorsSilo();
using var host = builder.Build();
await host.StartAsync();

var bench = new DurabilityBench(host.Services, TimeSpan.FromSeconds(seconds), concurrency);
await bench.EventLogAppendsAsync();
await bench.GrainCommandsAsync();
await bench.AppendToConsumerDelayAsync();

var system = new SystemBench(host.Services, TimeSpan.FromSeconds(seconds), concurrency);
await system.UpVotesAsync();
await system.TransfersAsync();

await host.StopAsync();
return 0;

using Actors.Hosting;
using Actors.Observability;
using Actors.Users;
using Orleans.Dashboard;

// One silo of the cluster. Settings (README "Running a cluster"): ConnectionStrings__Postgres, Orleans__ClusterId,
// Orleans__SiloPort, Orleans__GatewayPort. `seed --news N ...` seeds a generated site into PostgreSQL instead (SeedCommand).
if (args is ["seed", ..])
{
    return await Actors.Silo.SeedCommand.RunAsync(args[1..]);
}

// `import-lamernews --redis HOST:PORT [--dry-run]` moves a Lamernews / Echo JS site into PostgreSQL (ImportLamernewsCommand).
if (args is ["import-lamernews", ..])
{
    return await Actors.Silo.Import.ImportLamernewsCommand.RunAsync(args[1..]);
}

var builder = Host.CreateApplicationBuilder(args);
builder.UseOwnSettings(); // its appsettings.json (log levels) wherever it is started from
builder.AddActorsTelemetry("actors-silo");
builder.Services.AddNewsAndUsersOptions(builder.Configuration);

// The dashboard's grains run on the silos; the gateway (any mode) serves its pages.
builder.AddActorsSilo(silo => silo.AddDashboard());

await builder.Build().RunAsync();
return 0;

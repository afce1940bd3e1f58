using Actors.Hosting;

// One silo of the cluster. Settings (README "Running a cluster"): ConnectionStrings__Postgres, Orleans__ClusterId,
// Orleans__SiloPort, Orleans__GatewayPort.
var builder = Host.CreateApplicationBuilder(args);

builder.AddActorsSilo();

await builder.Build().RunAsync();

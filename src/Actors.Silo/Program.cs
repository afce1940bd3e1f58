using Actors.Hosting;
using Actors.Observability;
using Actors.Users;
using Orleans.Dashboard;

// One silo of the cluster. Settings (README "Running a cluster"): ConnectionStrings__Postgres, Orleans__ClusterId,
// Orleans__SiloPort, Orleans__GatewayPort.
var builder = Host.CreateApplicationBuilder(args);
builder.AddActorsTelemetry("actors-silo");
builder.Services.AddNewsAndUsersOptions(builder.Configuration);

builder.AddActorsSilo();
builder.UseOrleans(silo => silo.AddDashboard());

await builder.Build().RunAsync();

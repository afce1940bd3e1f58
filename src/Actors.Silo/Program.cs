using Actors.Hosting;
using Actors.Observability;

var builder = Host.CreateApplicationBuilder(args);
builder.AddActorsTelemetry("actors-silo");

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddActors();
});

await builder.Build().RunAsync();

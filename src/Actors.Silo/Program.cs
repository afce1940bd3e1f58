using Actors.Hosting;

var builder = Host.CreateApplicationBuilder(args);

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddActors();
});

await builder.Build().RunAsync();

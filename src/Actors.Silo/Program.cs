using Actors.Hosting;
using Actors.Users;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddNewsAndUsersOptions(builder.Configuration);

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering();
    silo.AddActors();
});

await builder.Build().RunAsync();

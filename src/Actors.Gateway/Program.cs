using Actors.Gateway.Hosting;
using Actors.Gateway.News;
using Actors.Gateway.Users;

var builder = WebApplication.CreateBuilder(args);

builder.AddActorsCluster();
builder.AddUsers();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseCorrelationIds();
app.MapOpenApi();
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
app.MapUsersApi();
app.MapNewsApi();

app.Run();

/// <summary>The gateway's entry point, visible to the in-process HTTP tests.</summary>
public partial class Program;

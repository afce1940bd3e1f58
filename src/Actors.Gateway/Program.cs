using Actors.Gateway.Accounts;
using Actors.Gateway.Hosting;
using Actors.Gateway.News;
using Actors.Gateway.Users;

var builder = WebApplication.CreateBuilder(args);

builder.AddActorsCluster();
builder.AddUsers();
builder.AddActorsObservability();
builder.Services.AddOpenApi();

var app = builder.Build();

app.UseCorrelationIds();
app.MapOpenApi();
app.MapAccountsApi();
app.MapUsersApi();
app.MapNewsApi();
app.MapActorsOperations();

app.Run();

/// <summary>The gateway's entry point, visible to the in-process HTTP tests.</summary>
public partial class Program;

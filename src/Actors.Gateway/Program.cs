using Actors.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddActorsCluster();
builder.Services.AddOpenApi();
builder.Services.AddDeliveryAdmin(builder.Configuration);

var app = builder.Build();

app.UseCorrelationIds();
app.MapOpenApi();
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
app.MapReadiness();
app.MapDeliveryAdminApi();

app.Run();

/// <summary>The gateway's entry point, visible to the in-process HTTP tests.</summary>
public partial class Program;

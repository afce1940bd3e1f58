using Actors.Gateway.Accounts;
using Actors.Gateway.Hosting;
using Actors.Gateway.News;
using Actors.Gateway.Realtime;
using Actors.Gateway.Users;
using Actors.Gateway.Web;
using Actors.Hosting;
using Actors.Seeding;

var builder = WebApplication.CreateBuilder(args);
builder.UseOwnSettings(); // its appsettings.json (log levels, URL) wherever it is started from

builder.AddActorsCluster();
builder.Services.AddSeedingAtStartup(builder.Configuration); // Seed__News=N: a generated site before ready (in memory)
builder.AddUsers();
builder.AddNews();
builder.AddRealtime();
builder.AddWriteAdmission(); // reads first: a few writes at a time (Writes__MaxConcurrent)
builder.AddRequestThrottling(); // per address: account creation, resets, bank accounts, sockets (Throttling__*)
builder.AddActorsObservability();
builder.Services.AddOpenApi();
builder.Services.AddDeliveryAdmin(builder.Configuration);
builder.Services.AddFlowAdmin(); // /admin/flows: consumers, lag, parked events, live tail
builder.StartServicesAlongsideWeb(); // last before Build: the silo starts while Kestrel does

var app = builder.Build();

app.UseForwardedAddresses(); // the client's address and scheme from trusted proxies (Hosting__TrustedProxies)
app.UseSecurityHeaders(); // CSP, no framing, nosniff, referrer, no-store where credentials are
app.UseCorrelationIds();
app.UseUnavailableStorageAnswers();
app.UseWriteAdmission();
app.UseRateLimiter();
app.MapOpenApi();
app.MapAccountsApi();
app.MapUsersApi();
app.MapNewsApi();
app.MapRealtime();
app.MapWeb();
app.MapActorsOperations();
app.MapDeliveryAdminApi();
app.MapFlowAdmin();

app.Run();

/// <summary>The gateway's entry point, visible to the in-process HTTP tests.</summary>
public partial class Program;

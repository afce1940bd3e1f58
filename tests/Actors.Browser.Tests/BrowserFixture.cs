using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Actors.Browser.Tests;

/// <summary>
/// The gateway on a real loopback port (Kestrel, embedded mode with its own co-hosted silo) and a headless Chromium
/// driven by Playwright. The system's Chromium is used (<c>/usr/bin/chromium</c>, or <c>CHROMIUM_PATH</c>): nothing
/// is downloaded.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private sealed class LiveGateway : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("News:UserCreationDelaySeconds", "0");
            builder.UseSetting("News:NewsSubmissionBreakSeconds", "0");
            builder.UseSetting("Users:PasswordHashIterations", "1000");
            builder.UseSetting("Dashboard:Token", DashboardToken);
            builder.UseSetting("Admin:Token", AdminToken);
            // A delivery that keeps failing is given up on (and parked) after a second, not twenty: the flow page's test.
            builder.UseSetting("Orleans:StreamPulling:MaxEventDeliveryTime", "00:00:01");
            builder.ConfigureServices(services => services.AddSingleton<Actors.Testing.FlakyConsumerLedger>());
        }
    }

    /// <summary>Opens <c>/admin/flows</c> to a browser that sends it in <c>X-Admin-Token</c> (every request of its context).</summary>
    public const string AdminToken = "browser-admin-token-81c4";

    /// <summary>Opens the Orleans dashboard to the browser (<c>Authorization: Bearer</c>), to check it works under its policy.</summary>
    public const string DashboardToken = "browser-dashboard-token-5d2b";

    private readonly LiveGateway _gateway = new();
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>What the site's flaky test consumer fails on and applied (the flow page's test).</summary>
    public Actors.Testing.FlakyConsumerLedger Flaky => _gateway.Services.GetRequiredService<Actors.Testing.FlakyConsumerLedger>();

    /// <summary>Where this run keeps its screenshots (under the test output directory, never in the repository).</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        _gateway.UseKestrel(port);
        _gateway.StartServer();
        BaseUrl = $"http://127.0.0.1:{port}";

        // Web-first assertions wait as long as actions do: a busy CI machine can take seconds to answer a page.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser profile (own cookies) with the site as base URL.</summary>
    public async Task<IPage> NewPageAsync(IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, ExtraHTTPHeaders = headers });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await _gateway.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

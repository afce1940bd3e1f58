using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Lamernews;

/// <summary>
/// A gateway for the Lamernews compatibility tests: enough karma for many votes, no submission break, and user 1 (the
/// administrator) signed up first, so the tests can act as the administrator.
/// </summary>
public abstract class CompatGatewayBase : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>User 1, the administrator.</summary>
    public SignedUp Admin { get; private set; } = null!;

    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:SiloPort", GatewayFactory.FreePort().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", GatewayFactory.FreePort().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("News:UserCreationDelaySeconds", "0");
        builder.UseSetting("News:NewsSubmissionBreakSeconds", "0");
        builder.UseSetting("News:UserInitialKarma", "1000000");
        builder.UseSetting("Users:PasswordHashIterations", "1000");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async Task InitializeAsync()
    {
        Admin = await SignUp.NewAsync(Services.GetRequiredService<IGrainFactory>(), "admin");
        Assert.Equal(1, Admin.Id);
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
}

/// <summary>The defaults (numbers as JSON numbers).</summary>
public sealed class LamerCompatGateway : CompatGatewayBase;

/// <summary>With <c>Lamernews:StringFields</c>: Lamernews' own field types.</summary>
public sealed class StringFieldsGateway : CompatGatewayBase
{
    protected override IEnumerable<(string Key, string Value)> Settings => [("Lamernews:StringFields", "true")];
}

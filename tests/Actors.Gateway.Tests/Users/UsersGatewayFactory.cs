using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Actors.Gateway.Users;
using Actors.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Users;

/// <summary>
/// The gateway with a clock the tests move (for the hourly karma) and a mail relay that records instead of sending
/// (password reset enabled).
/// </summary>
public sealed class UsersGatewayFactory : WebApplicationFactory<Program>
{
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public const string SiteUrl = "https://news.example";

    public RecordingMailer Mailer { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("News:UserCreationDelaySeconds", "0");
        builder.UseSetting("News:MailRelay", "mail.invalid");
        builder.UseSetting("News:SiteUrl", SiteUrl);
        builder.UseSetting("Users:PasswordHashIterations", "1000");
        builder.ConfigureTestServices(services =>
        {
            // Only the domain clock: the silo's own clock must keep real time (see DomainClock).
            services.AddKeyedSingleton<TimeProvider>(DomainClock.Key, Clock);
            services.AddSingleton<IPasswordResetMailer>(Mailer);
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class UsersGatewayCollection : ICollectionFixture<UsersGatewayFactory>
{
    public const string Name = "users-gateway";
}

/// <summary>A clock that only moves when a test moves it.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Keeps the reset mails; <see cref="Fail"/> makes the relay refuse.</summary>
public sealed class RecordingMailer : IPasswordResetMailer
{
    public ConcurrentQueue<(string To, string Username, string Link)> Sent { get; } = new();

    public bool Fail { get; set; }

    public Task<bool> SendAsync(string to, string username, string link, CancellationToken cancellationToken)
    {
        if (Fail)
        {
            return Task.FromResult(false);
        }

        Sent.Enqueue((to, username, link));
        return Task.FromResult(true);
    }
}

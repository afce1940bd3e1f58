using System.Net;
using System.Net.Http.Headers;
using Actors.Gateway.Hosting;
using Actors.Gateway.Realtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Operations;

/// <summary>
/// A gateway whose callers all come from a public address (the in-memory server reports none, which counts as
/// local), with a metrics token and a small socket cap.
/// </summary>
public sealed class RemoteClientGateway : IDisposable
{
    public const string MetricsToken = "metrics-token-for-tests-7c1e";
    public const int MaxSocketsPerIp = 2;
    public const int LoginsPerAddressPerMinute = 5;
    public const int AccountCreationsPerAddressPerHour = 3;
    public const int PasswordResetsPerAddressPerHour = 2;
    public const int BankAccountsPerAddressPerHour = 2;
    public const int SocketsPerAddressPerMinute = 6;
    public static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");

    /// <summary>A test that needs an address of its own (limits are per address) sends it in this header.</summary>
    public const string AddressHeader = "X-Test-Remote-Address";

    private static string S(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public GatewayFactory Gateway { get; } = new()
    {
        Settings = [("Metrics:Token", MetricsToken), ("Realtime:MaxSocketsPerIp", S(MaxSocketsPerIp)),
            ("Logins:PerAddressPerMinute", S(LoginsPerAddressPerMinute)),
            ("Throttling:AccountCreationsPerAddressPerHour", S(AccountCreationsPerAddressPerHour)),
            ("Throttling:PasswordResetsPerAddressPerHour", S(PasswordResetsPerAddressPerHour)),
            ("Throttling:BankAccountsPerAddressPerHour", S(BankAccountsPerAddressPerHour)),
            ("Throttling:SocketsPerAddressPerMinute", S(SocketsPerAddressPerMinute)),
            ("Hosting:TrustedProxies", "192.0.2.10, 192.0.2.128/25")],
    };

    public TestServer Server => Factory.Server;

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> Factory => _factory ??= Gateway.WithWebHostBuilder(builder =>
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteAddress>()));

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>? _factory;

    public HttpClient CreateClient() => Factory.CreateClient();

    public void Dispose()
    {
        _factory?.Dispose();
        Gateway.Dispose();
    }

    private sealed class RemoteAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                context.Connection.RemoteIpAddress = context.Request.Headers[AddressHeader] is [{ } own] ? IPAddress.Parse(own) : Remote;
                return following(context);
            });
            next(app);
        };
    }
}

public class RemoteClientTests(RemoteClientGateway remote) : IClassFixture<RemoteClientGateway>
{
    [Fact]
    public async Task Metrics_from_a_public_address_need_the_token()
    {
        using var client = remote.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics")).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(wrong)).StatusCode);

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", RemoteClientGateway.MetricsToken) } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(bearer)).StatusCode);

        using var header = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { MetricsAccess.TokenHeader, RemoteClientGateway.MetricsToken } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(header)).StatusCode);
    }

    [Fact]
    public async Task One_address_gets_no_more_sockets_than_the_cap_and_a_closed_one_frees_its_place()
    {
        var sockets = new List<System.Net.WebSockets.WebSocket>();
        try
        {
            for (var i = 0; i < RemoteClientGateway.MaxSocketsPerIp; i++)
            {
                sockets.Add(await remote.Server.CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/ws"), CancellationToken.None));
            }

            var refused = await Record.ExceptionAsync(() => remote.Server.CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/ws"), CancellationToken.None));
            Assert.NotNull(refused);
            Assert.Contains("429", refused.Message, StringComparison.Ordinal);

            await sockets[0].CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            sockets[0].Dispose();
            sockets.RemoveAt(0);
            var counter = remote.Server.Services.GetRequiredService<SocketsPerIp>();
            await Eventually(() => Task.FromResult(counter.OpenFrom(RemoteClientGateway.Remote)), open => open < RemoteClientGateway.MaxSocketsPerIp,
                "the closed socket's place is free", TimeSpan.FromSeconds(5));
            sockets.Add(await remote.Server.CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/ws"), CancellationToken.None));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task One_address_gets_no_more_login_attempts_a_minute_than_the_limit_whatever_the_names()
    {
        using var client = remote.CreateClient();
        async Task<string?> Login(int i)
        {
            using var form = new FormUrlEncodedContent([new("username", $"nobody{i}x{Guid.NewGuid():N}"[..16]), new("password", "a-password")]);
            var answer = await client.PostAsync("/api/login", form);
            return System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        }

        for (var i = 0; i < RemoteClientGateway.LoginsPerAddressPerMinute; i++)
        {
            Assert.Equal("No match for the specified username / password pair.", await Login(i));
        }

        Assert.Equal(Actors.Gateway.Users.LoginThrottle.TooManyAttempts, await Login(99));
    }

    private static int _addresses;

    /// <summary>A client whose requests come from an address no other test uses.</summary>
    private HttpClient ClientFromOwnAddress(out string address)
    {
        address = $"198.51.100.{Interlocked.Increment(ref _addresses)}";
        var client = remote.CreateClient();
        client.DefaultRequestHeaders.Add(RemoteClientGateway.AddressHeader, address);
        return client;
    }

    private static async Task AssertThrottled(HttpResponseMessage response, string expectedMediaType)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a Retry-After says when to come back");
        Assert.Equal(expectedMediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many requests", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_address_creates_no_more_accounts_an_hour_than_the_limit_and_others_are_not_affected()
    {
        using var client = ClientFromOwnAddress(out _);
        using var other = ClientFromOwnAddress(out _);
        Task<HttpResponseMessage> Create(HttpClient c) =>
            c.PostAsync("/api/create_account", new FormUrlEncodedContent([new("username", $"t{Guid.NewGuid():N}"[..16]), new("password", "a-password")]));

        for (var i = 0; i < RemoteClientGateway.AccountCreationsPerAddressPerHour; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Create(client)).StatusCode);
        }

        using var refused = await Create(client);
        await AssertThrottled(refused, "application/json");
        Assert.Equal("err", System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Create(other)).StatusCode);
    }

    [Fact]
    public async Task One_address_asks_for_no_more_password_resets_an_hour_than_the_limit()
    {
        using var client = ClientFromOwnAddress(out _);

        for (var i = 0; i < RemoteClientGateway.PasswordResetsPerAddressPerHour; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/reset-password?username=nobody&email=a@example.com")).StatusCode);
        }

        await AssertThrottled(await client.GetAsync("/api/reset-password?username=nobody&email=a@example.com"), "application/json");
        await AssertThrottled(await client.PostAsync("/api/set-new-password", new FormUrlEncodedContent([new("user", "nobody")])), "application/json");
    }

    [Fact]
    public async Task One_address_opens_no_more_bank_accounts_an_hour_than_the_limit()
    {
        var user = await Actors.Testing.SignUp.NewAsync(remote.Server.Services.GetRequiredService<IGrainFactory>());
        using var client = ClientFromOwnAddress(out _);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        Task<HttpResponseMessage> Open() => client.PostAsync("/api/accounts", System.Net.Http.Json.JsonContent.Create(new { currency = "EUR" }));

        for (var i = 0; i < RemoteClientGateway.BankAccountsPerAddressPerHour; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Open()).StatusCode);
        }

        await AssertThrottled(await Open(), "application/problem+json");
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_address_is_counted_and_https_makes_the_cookie_secure()
    {
        using var proxy = remote.CreateClient();
        proxy.DefaultRequestHeaders.Add(RemoteClientGateway.AddressHeader, "192.0.2.200"); // inside the trusted network
        var client = $"198.18.0.{Interlocked.Increment(ref _addresses)}";
        Task<HttpResponseMessage> Create(string forwardedFor) => proxy.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/create_account")
        {
            Content = new FormUrlEncodedContent([new("username", $"t{Guid.NewGuid():N}"[..16]), new("password", "a-password")]),
            Headers = { { "X-Forwarded-For", forwardedFor }, { "X-Forwarded-Proto", "https" } },
        });

        for (var i = 0; i < RemoteClientGateway.AccountCreationsPerAddressPerHour; i++)
        {
            using var created = await Create(client);
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            Assert.Contains("secure", Assert.Single(created.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await Create(client)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Create($"198.18.1.{Interlocked.Increment(ref _addresses)}")).StatusCode); // another client, same proxy
    }

    [Fact]
    public async Task An_untrusted_caller_cannot_choose_its_address_with_a_forwarded_header()
    {
        using var client = ClientFromOwnAddress(out _);
        Task<HttpResponseMessage> Create() => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/create_account")
        {
            Content = new FormUrlEncodedContent([new("username", $"t{Guid.NewGuid():N}"[..16]), new("password", "a-password")]),
            Headers = { { "X-Forwarded-For", $"198.18.2.{Interlocked.Increment(ref _addresses)}" } },
        });

        for (var i = 0; i < RemoteClientGateway.AccountCreationsPerAddressPerHour; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Create()).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await Create()).StatusCode);
    }

    [Fact]
    public async Task One_address_makes_no_more_socket_connections_a_minute_than_the_limit()
    {
        using var client = ClientFromOwnAddress(out _);

        for (var i = 0; i < RemoteClientGateway.SocketsPerAddressPerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/ws")).StatusCode); // not an upgrade: refused after the limiter
        }

        await AssertThrottled(await client.GetAsync("/ws"), "text/plain");
    }

}

/// <summary>The rules on their own: who may scrape, how addresses are counted.</summary>
public class MetricsAccessRuleTests
{
    [Theory]
    [InlineData("127.0.0.1", null, null, false, null)]
    [InlineData("::1", null, null, false, null)]
    [InlineData("::ffff:127.0.0.1", null, null, false, null)]
    [InlineData("10.1.2.3", null, null, false, 401)]
    [InlineData("10.1.2.3", "t0k", null, false, 401)]
    [InlineData("10.1.2.3", null, "Bearer anything", false, 403)]
    [InlineData("10.1.2.3", "t0k", "Bearer nope", false, 403)]
    [InlineData("10.1.2.3", "t0k", "Bearer t0k", false, null)]
    [InlineData("10.1.2.3", null, null, true, null)]
    public void Loopback_the_token_or_an_explicit_opening_lets_a_scraper_in(string remote, string? token, string? authorization, bool open, int? expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        Assert.Equal(expected, MetricsAccess.Check(context, new MetricsAccessOptions { Token = token, Open = open }));
    }

    [Fact]
    public void An_ipv6_host_is_counted_by_its_64_prefix_and_a_mapped_ipv4_as_ipv4()
    {
        var sockets = new SocketsPerIp();
        using var first = sockets.TryEnter(IPAddress.Parse("2001:db8:1:2::1"), 2);
        using var second = sockets.TryEnter(IPAddress.Parse("2001:db8:1:2:ffff::9"), 2);
        using var other = sockets.TryEnter(IPAddress.Parse("2001:db8:1:3::1"), 2);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotNull(other);
        Assert.Null(sockets.TryEnter(IPAddress.Parse("2001:db8:1:2::abcd"), 2));
        Assert.Equal(ClientAddress.KeyOf(IPAddress.Parse("192.0.2.1")), ClientAddress.KeyOf(IPAddress.Parse("::ffff:192.0.2.1")));
    }
}

using System.Net;
using System.Net.Http.Headers;
using Actors.Tests.Users;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Actors.Tests.Operations;

[Collection(GatewayCollection.Name)]
public class DashboardClosedByDefaultTests(GatewayFactory gateway)
{
    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/index.min.js")]
    [InlineData("/dashboard/DashboardCounters")]
    [InlineData("/dashboard/Trace")]
    [InlineData("/DASHBOARD/")]
    public async Task An_anonymous_caller_is_refused_everywhere_under_the_dashboard(string path)
    {
        using var client = gateway.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("anything")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    public async Task A_token_that_is_no_session_counts_as_anonymous(string token)
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>
/// A gateway of its own, so its first account (user 1, the administrator) is known; operators also configured a
/// dashboard token.
/// </summary>
public sealed class DashboardGateway : IDisposable
{
    public const string Token = "op-token-for-tests-3f9a";

    private readonly GatewayFactory _gateway = new();
    private readonly Lazy<Task<string>> _admin;

    public DashboardGateway()
    {
        Factory = _gateway.WithWebHostBuilder(web => web.UseSetting("Dashboard:Token", Token));
        _admin = new(async () =>
        {
            using var client = Factory.CreateClient();
            return (await client.CreateAccount(UsersApiClient.FreshName("admin"))).Auth;
        });
    }

    public WebApplicationFactory<Program> Factory { get; }

    /// <summary>The auth token of user 1, who is the administrator.</summary>
    public Task<string> AdminAuth() => _admin.Value;

    /// <summary>The auth token of a new user who is not an administrator.</summary>
    public async Task<string> UserAuth()
    {
        await AdminAuth();
        using var client = Factory.CreateClient();
        return (await client.CreateAccount(UsersApiClient.FreshName("user"))).Auth;
    }

    public void Dispose()
    {
        Factory.Dispose();
        _gateway.Dispose();
    }
}

public class DashboardAccessTests(DashboardGateway gateway) : IClassFixture<DashboardGateway>
{
    [Fact]
    public async Task A_signed_in_administrator_sees_the_dashboard_and_its_data()
    {
        using var client = gateway.Factory.CreateClient().WithCookie(await gateway.AdminAuth());

        var page = await client.GetAsync("/dashboard/");
        var counters = await client.GetAsync("/dashboard/DashboardCounters");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.Contains("\"hosts\"", await counters.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_user_who_is_not_an_administrator_is_forbidden()
    {
        using var client = gateway.Factory.CreateClient().WithBearer(await gateway.UserAuth());

        var page = await client.GetAsync("/dashboard/");
        var counters = await client.GetAsync("/dashboard/DashboardCounters");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, counters.StatusCode);
    }

    [Fact]
    public async Task The_configured_operator_token_opens_the_dashboard()
    {
        using var client = gateway.Factory.CreateClient().WithBearer(DashboardGateway.Token);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("op-token-for-tests-3f9")]
    [InlineData("op-token-for-tests-3f9a0")]
    public async Task A_token_that_is_nearly_the_operator_token_is_refused(string token)
    {
        using var client = gateway.Factory.CreateClient().WithBearer(token);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_operator_token_does_not_open_it_without_the_bearer_scheme()
    {
        using var client = gateway.Factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", DashboardGateway.Token);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Headers;
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
    [InlineData("/DASHBOARD/")]
    public async Task An_anonymous_caller_is_refused_everywhere_under_the_dashboard(string path)
    {
        using var client = gateway.CreateClient(new() { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_token_no_bearer_token_opens_the_dashboard()
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "anything");

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

/// <summary>A gateway whose operators configured a dashboard token.</summary>
public sealed class DashboardTokenGateway : IDisposable
{
    public const string Token = "op-token-for-tests-3f9a";

    private readonly GatewayFactory _gateway = new();

    public DashboardTokenGateway() => Factory = _gateway.WithWebHostBuilder(web => web.UseSetting("Dashboard:Token", Token));

    public WebApplicationFactory<Program> Factory { get; }

    public void Dispose()
    {
        Factory.Dispose();
        _gateway.Dispose();
    }
}

public class DashboardTokenTests(DashboardTokenGateway gateway) : IClassFixture<DashboardTokenGateway>
{
    [Fact]
    public async Task The_configured_token_opens_the_dashboard()
    {
        using var client = Client(DashboardTokenGateway.Token);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Orleans Dashboard", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("op-token-for-tests-3f9")]
    [InlineData("op-token-for-tests-3f9a0")]
    public async Task Any_other_token_is_refused(string token)
    {
        using var client = Client(token);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_token_does_not_open_it_without_the_bearer_scheme()
    {
        using var client = gateway.Factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", DashboardTokenGateway.Token);

        var response = await client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private HttpClient Client(string token)
    {
        var client = gateway.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

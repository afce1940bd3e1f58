namespace Actors.Tests.Operations;

[Collection(GatewayCollection.Name)]
public class CorrelationTests(GatewayFactory gateway)
{
    private const string Header = "X-Correlation-Id";

    [Fact]
    public async Task A_sane_correlation_id_from_the_client_is_echoed()
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add(Header, "checkout-2026.11_23-a");

        var response = await client.SendAsync(request);

        Assert.Equal("checkout-2026.11_23-a", Assert.Single(response.Headers.GetValues(Header)));
    }

    [Fact]
    public async Task A_request_without_a_correlation_id_gets_a_new_one()
    {
        using var client = gateway.CreateClient();

        var first = await client.GetAsync("/health/live");
        var second = await client.GetAsync("/health/live");

        var a = Assert.Single(first.Headers.GetValues(Header));
        var b = Assert.Single(second.Headers.GetValues(Header));
        Assert.False(string.IsNullOrWhiteSpace(a));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("a b")]
    [InlineData("line\\nbreak")]
    public async Task A_hostile_correlation_id_is_replaced(string hostile)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation(Header, hostile);

        var response = await client.SendAsync(request);

        var echoed = Assert.Single(response.Headers.GetValues(Header));
        Assert.NotEqual(hostile, echoed);
        Assert.All(echoed, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'));
    }

    [Fact]
    public async Task An_oversized_correlation_id_is_replaced()
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add(Header, new string('a', 65));

        var response = await client.SendAsync(request);

        Assert.True(Assert.Single(response.Headers.GetValues(Header)).Length <= 64);
    }
}

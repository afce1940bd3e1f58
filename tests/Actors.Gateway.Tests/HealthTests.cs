namespace Actors.Tests;

[Collection(GatewayCollection.Name)]
public class HealthTests(GatewayFactory gateway)
{
    [Fact]
    public async Task The_liveness_probe_answers_ok()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync("/health/live");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Actors.Accounts;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Accounts;
/// <summary>Signed-in clients and the checks the accounts and transfers API tests share.</summary>
public abstract class AccountsApiTestBase(GatewayFactory gateway)
{
    protected GatewayFactory Gateway => gateway;

    protected IGrainFactory Grains => gateway.Services.GetRequiredService<IGrainFactory>();

    protected async Task<(HttpClient Client, long UserId, string Token)> SignedInUser()
    {
        var user = await SignUp.NewAsync(Grains, "a");
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return (client, user.Id, user.Token);
    }

    protected static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    protected static async Task<string> OpenAccount(HttpClient client, long deposit = 0, string currency = "EUR")
    {
        var response = await client.PostAsJsonAsync("/api/accounts", new { currency });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await Json(response)).GetProperty("id").GetString()!;
        if (deposit > 0)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/accounts/{id}/deposit", new { amount = deposit })).StatusCode);
        }

        return id;
    }

    protected static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (await Json(response)).GetProperty("status").GetInt32());
    }
}

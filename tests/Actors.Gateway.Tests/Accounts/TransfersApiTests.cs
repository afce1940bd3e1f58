using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Actors.Accounts;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Accounts;
[Collection(GatewayCollection.Name)]
public class TransfersApiTests(GatewayFactory gateway) : AccountsApiTestBase(gateway)
{
    [Fact]
    public async Task A_transfer_completes_and_a_repeat_with_the_same_key_returns_it_without_moving_money_again()
    {
        var (client, _, _) = await SignedInUser();
        var (other, _, _) = await SignedInUser();
        var from = await OpenAccount(client, deposit: 1_000);
        var to = await OpenAccount(other);

        var requests = Enumerable.Range(0, 5).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/transfers") { Content = JsonContent.Create(new { from, to, amount = 300 }) };
            request.Headers.Add("Idempotency-Key", "pay-rent-2026-11");
            return client.SendAsync(request);
        });
        var responses = await Task.WhenAll(requests);

        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var view = await Json(response);
            Assert.Equal(("pay-rent-2026-11", "completed", 300L), (view.GetProperty("id").GetString(), view.GetProperty("status").GetString(), view.GetProperty("amount").GetInt64()));
            Assert.False(view.TryGetProperty("reason", out _));
        }

        Assert.Equal(700, (await Json(await client.GetAsync($"/api/accounts/{from}"))).GetProperty("balance").GetInt64());
        Assert.Equal(300, (await Json(await other.GetAsync($"/api/accounts/{to}"))).GetProperty("balance").GetInt64());
        Assert.Equal("completed", (await Json(await client.GetAsync("/api/transfers/pay-rent-2026-11"))).GetProperty("status").GetString());
        await AssertProblem(await other.GetAsync("/api/transfers/pay-rent-2026-11"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_transfer_to_a_closed_account_fails_with_a_reason_and_the_money_stays()
    {
        var (client, _, _) = await SignedInUser();
        var from = await OpenAccount(client, deposit: 1_000);
        var to = await OpenAccount(client);
        await client.PostAsync($"/api/accounts/{to}/close", null);

        var response = await client.PostAsJsonAsync("/api/transfers", new { id = $"x{Guid.NewGuid():N}", from, to, amount = 10 });

        var view = await Json(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("failed", "account-closed"), (view.GetProperty("status").GetString(), view.GetProperty("reason").GetString()));
        Assert.Equal(1_000, (await Json(await client.GetAsync($"/api/accounts/{from}"))).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task Reusing_a_transfer_id_for_another_transfer_is_a_409()
    {
        var (client, _, _) = await SignedInUser();
        var from = await OpenAccount(client, deposit: 1_000);
        var to = await OpenAccount(client);
        var id = $"r{Guid.NewGuid():N}";
        await client.PostAsJsonAsync("/api/transfers", new { id, from, to, amount = 10 });

        var reuse = await client.PostAsJsonAsync("/api/transfers", new { id, from, to, amount = 20 });

        await AssertProblem(reuse, HttpStatusCode.Conflict);
        Assert.Equal(990, (await Json(await client.GetAsync($"/api/accounts/{from}"))).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task Transfer_ids_belong_to_their_requester_so_another_user_can_neither_take_nor_probe_one()
    {
        var (alice, _, _) = await SignedInUser();
        var (bob, _, _) = await SignedInUser();
        var aliceFrom = await OpenAccount(alice, deposit: 100);
        var bobFrom = await OpenAccount(bob, deposit: 100);
        var to = await OpenAccount(alice);
        var id = $"shared{Guid.NewGuid():N}";

        var first = await alice.PostAsJsonAsync("/api/transfers", new { id, from = aliceFrom, to, amount = 10 });
        var second = await bob.PostAsJsonAsync("/api/transfers", new { id, from = bobFrom, to, amount = 20 });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode); // was a 409: the id was global
        Assert.Equal((id, 10L), ((await Json(first)).GetProperty("id").GetString(), (await Json(first)).GetProperty("amount").GetInt64()));
        Assert.Equal(10, (await Json(await alice.GetAsync($"/api/transfers/{id}"))).GetProperty("amount").GetInt64());
        Assert.Equal(20, (await Json(await bob.GetAsync($"/api/transfers/{id}"))).GetProperty("amount").GetInt64());
        Assert.Equal(30, (await Json(await alice.GetAsync($"/api/accounts/{to}"))).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task A_transfer_recorded_under_a_global_id_before_ids_were_scoped_is_still_found_by_its_requester_only()
    {
        var (alice, aliceId, _) = await SignedInUser();
        var (bob, _, _) = await SignedInUser();
        var id = $"legacy{Guid.NewGuid():N}";
        var log = Gateway.Services.GetRequiredService<Actors.EventSourcing.IEventLog>();
        await log.AppendAsync(AccountIds.TransferStreamOf(id), 0,
            [new TransferMade(id, Guid.NewGuid(), Guid.NewGuid(), 42, aliceId, DateTimeOffset.UtcNow)], Actors.EventSourcing.EventMetadata.None);

        var view = await Json(await alice.GetAsync($"/api/transfers/{id}"));

        Assert.Equal((id, "completed", 42L), (view.GetProperty("id").GetString(), view.GetProperty("status").GetString(), view.GetProperty("amount").GetInt64()));
        await AssertProblem(await bob.GetAsync($"/api/transfers/{id}"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"from\":\"x\",\"to\":\"00000000-0000-0000-0000-000000000001\",\"amount\":1}")]
    [InlineData("{\"to\":\"00000000-0000-0000-0000-000000000001\",\"amount\":1}")]
    [InlineData("{\"from\":\"FROM\",\"to\":\"FROM\",\"amount\":1}")]
    [InlineData("{\"id\":\"has space\",\"from\":\"FROM\",\"to\":\"00000000-0000-0000-0000-000000000001\",\"amount\":1}")]
    [InlineData("{\"id\":\"a;drop table\",\"from\":\"FROM\",\"to\":\"00000000-0000-0000-0000-000000000001\",\"amount\":1}")]
    [InlineData("{\"id\":7,\"from\":\"FROM\",\"to\":\"00000000-0000-0000-0000-000000000001\",\"amount\":1}")]
    [InlineData("{\"from\":\"FROM\",\"to\":\"00000000-0000-0000-0000-000000000001\",\"amount\":-1}")]
    [InlineData("{\"from\":\"FROM\",\"to\":\"00000000-0000-0000-0000-000000000001\"}")]
    public async Task A_malformed_transfer_is_a_400_and_moves_nothing(string template)
    {
        var (client, _, _) = await SignedInUser();
        var from = await OpenAccount(client, deposit: 50);

        var response = await client.PostAsync("/api/transfers", new StringContent(template.Replace("FROM", from), Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(50, (await Json(await client.GetAsync($"/api/accounts/{from}"))).GetProperty("balance").GetInt64());
    }

    [Fact]
    public async Task An_overlong_transfer_id_or_one_that_differs_from_the_idempotency_key_is_a_400()
    {
        var (client, _, _) = await SignedInUser();
        var from = await OpenAccount(client, deposit: 50);
        var to = Guid.NewGuid();

        var overlong = await client.PostAsJsonAsync("/api/transfers", new { id = new string('a', 65), from, to, amount = 1 });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/transfers") { Content = JsonContent.Create(new { id = "one", from, to, amount = 1 }) };
        request.Headers.Add("Idempotency-Key", "two");
        var mismatch = await client.SendAsync(request);

        await AssertProblem(overlong, HttpStatusCode.BadRequest);
        await AssertProblem(mismatch, HttpStatusCode.BadRequest);
        await AssertProblem(await client.GetAsync($"/api/transfers/{new string('a', 65)}"), HttpStatusCode.BadRequest);
    }
}

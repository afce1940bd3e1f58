using System.Net;
using System.Text.Json;
using Actors.Tests.Users;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.Flows;

/// <summary>
/// A gateway of its own (memory mode): its first account is user 1, the administrator; operators configured an admin
/// token; a failing delivery is given up on (and parked) after one second instead of twenty.
/// </summary>
public sealed class FlowsGateway : IAsyncLifetime
{
    public const string Token = "flows-admin-token-7c1e";

    private readonly GatewayFactory _gateway = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>User 1 (the administrator): auth token and API secret.</summary>
    public (string Auth, string Secret) Admin { get; private set; }

    /// <summary>A user who is not an administrator.</summary>
    public (string Auth, string Secret) User { get; private set; }

    public async Task InitializeAsync()
    {
        Factory = _gateway.WithWebHostBuilder(web => web
            .UseSetting("Admin:Token", Token)
            .UseSetting("Orleans:StreamPulling:MaxEventDeliveryTime", "00:00:01")
            .UseSetting("News:NewsSubmissionBreakSeconds", "0")
            .ConfigureServices(services => services.AddSingleton<FlakyConsumerLedger>()));
        using var client = Factory.CreateClient();
        Admin = await client.CreateAccount(UsersApiClient.FreshName("admin"));
        User = await client.CreateAccount(UsersApiClient.FreshName("user"));
    }

    /// <summary>What this gateway's flaky consumer fails on and applied.</summary>
    public FlakyConsumerLedger Flaky => Factory.Services.GetRequiredService<FlakyConsumerLedger>();

    public HttpClient WithToken()
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Token", Token);
        return client;
    }

    /// <summary>Submits a news as the plain user; returns its id.</summary>
    public async Task<long> SubmitAsync(string title)
    {
        using var client = Factory.CreateClient().WithBearer(User.Auth);
        var body = await client.PostForm("/api/submit",
            ("news_id", "-1"), ("title", title), ("url", $"https://example.com/{Guid.NewGuid():N}"), ("text", ""), ("apisecret", User.Secret));
        UsersApiClient.AssertOk(body);
        return body.GetProperty("news_id").GetInt64();
    }

    public async Task<JsonElement> FlowsAsync()
    {
        using var client = WithToken();
        var response = await client.GetAsync("/admin/flows.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _gateway.DisposeAsync();
    }
}

public sealed class FlowAdminTests(FlowsGateway gateway) : IClassFixture<FlowsGateway>
{
    [Theory]
    [InlineData("/admin/flows")]
    [InlineData("/admin/flows.json")]
    [InlineData("/admin/flows/tail.json?category=news")]
    public async Task Given_an_anonymous_caller_When_it_asks_for_the_flows_Then_it_is_refused_with_401(string path)
    {
        using var client = gateway.Factory.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Given_a_signed_in_user_who_is_not_the_administrator_When_they_ask_for_the_flows_or_a_replay_Then_they_are_forbidden()
    {
        using var client = gateway.Factory.CreateClient().WithBearer(gateway.User.Auth);

        var page = await client.GetAsync("/admin/flows.json");
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("apisecret", gateway.User.Secret)]);
        var replay = await client.PostAsync("/admin/flows/parked/replay", form);

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replay.StatusCode);
    }

    [Fact]
    public async Task Given_a_wrong_admin_token_When_it_asks_for_the_flows_Then_it_is_refused()
    {
        using var client = gateway.Factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Token", FlowsGateway.Token + "x");

        var response = await client.GetAsync("/admin/flows.json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Given_the_signed_in_administrator_When_they_open_the_flow_page_Then_it_is_the_page_app_js_draws_from_the_json()
    {
        using var client = gateway.Factory.CreateClient().WithCookie(gateway.Admin.Auth);

        var page = await client.GetAsync("/admin/flows");
        var json = await client.GetAsync("/admin/flows.json");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"flows\" data-source=\"/admin/flows.json\"", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/js/app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
    }

    [Fact]
    public async Task Given_the_registered_consumers_When_the_flows_are_read_Then_every_consumer_grain_and_the_gateways_own_consumers_are_listed_with_their_flow()
    {
        var id = await gateway.SubmitAsync("an ordinary news");
        await Eventually(async () => Consumer(await gateway.FlowsAsync(), "newsrankingfeed").GetProperty("flow").GetProperty("position").GetInt64() > 0,
            "the ranking's consumer has applied a news event");

        var flows = await gateway.FlowsAsync();

        foreach (var name in new[] { "newsrankingfeed", "newsactivityfeed", "accounteventsconsumer", "firstaccountopener", "userdirectory", "ws-fanout", "session-cache", FlakyNewsConsumerGrain.FlowName })
        {
            Consumer(flows, name);
        }

        var fanout = Consumer(flows, "ws-fanout").GetProperty("flow");
        Assert.Equal(["news", "accounts"], fanout.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        foreach (var field in new[] { "lagEvents", "lagMs", "eventsPerSecond", "applied" })
        {
            Assert.True(fanout.TryGetProperty(field, out _), $"a consumer's flow has {field}");
        }

        Assert.True(flows.GetProperty("handedOver").GetInt64() > 0);
        Assert.True(id > 0);
    }

    [Fact]
    public async Task Given_a_consumer_that_keeps_failing_in_memory_mode_When_delivery_gives_up_Then_the_event_is_listed_as_parked_and_a_replay_with_the_token_delivers_it_and_clears_it()
    {
        var id = await gateway.SubmitAsync($"{FlakyNewsConsumerGrain.Marker} a news the flaky consumer fails on");
        var stream = $"news-{id}";
        var parked = await Eventually(
            async () => (await gateway.FlowsAsync()).GetProperty("parked").EnumerateArray().Where(p => p.GetProperty("streamId").GetString() == stream).ToList(),
            p => p.Any(e => e.GetProperty("version").GetInt64() == 1), "the news' submission is parked", TimeSpan.FromSeconds(30));

        // The submission's delivery (the news and its author's up-vote, one batch) failed: its events are parked.
        var submitted = Assert.Single(parked, p => p.GetProperty("version").GetInt64() == 1);
        Assert.Equal(FlakyNewsConsumerGrain.FlowName, submitted.GetProperty("consumer").GetString());
        Assert.Equal("news.submitted", submitted.GetProperty("typeName").GetString());
        Assert.Contains("The flaky consumer cannot take", submitted.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.All(parked, p => Assert.Equal(FlakyNewsConsumerGrain.FlowName, p.GetProperty("consumer").GetString()));
        Assert.True(Consumer(await gateway.FlowsAsync(), FlakyNewsConsumerGrain.FlowName).GetProperty("parked").GetInt32() >= parked.Count);

        // The rest flows on: the news' next event reaches the same consumer.
        var next = parked.Max(p => p.GetProperty("version").GetInt64()) + 1;
        using (var voter = gateway.Factory.CreateClient().WithBearer(gateway.Admin.Auth))
        {
            UsersApiClient.AssertOk(await voter.PostForm("/api/votenews", ("news_id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("vote_type", "up"), ("apisecret", gateway.Admin.Secret)));
        }

        await Eventually(() => Task.FromResult(gateway.Flaky.Applied.ContainsKey((stream, next))), "the news' vote reaches the flaky consumer");
        Assert.False(gateway.Flaky.Applied.ContainsKey((stream, 1)));

        gateway.Flaky.Fixed[stream] = true;
        using var client = gateway.WithToken();
        foreach (var p in parked)
        {
            var replay = await client.PostAsync($"/admin/flows/parked/{p.GetProperty("id").GetInt64()}/replay", null);
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }

        await Eventually(() => Task.FromResult(gateway.Flaky.Applied.ContainsKey((stream, 1))), "the replayed submission is applied");
        Assert.DoesNotContain((await gateway.FlowsAsync()).GetProperty("parked").EnumerateArray(), p => p.GetProperty("streamId").GetString() == stream);
        var again = await client.PostAsync($"/admin/flows/parked/{submitted.GetProperty("id").GetInt64()}/replay", null);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Given_the_administrators_cookie_When_a_replay_is_posted_without_the_api_secret_Then_it_is_refused_and_with_it_it_is_done()
    {
        using var client = gateway.Factory.CreateClient().WithCookie(gateway.Admin.Auth);

        using var without = new FormUrlEncodedContent([KeyValuePair.Create("other", "x")]);
        var refused = await client.PostAsync("/admin/flows/parked/replay", without);
        using var with = new FormUrlEncodedContent([KeyValuePair.Create("apisecret", gateway.Admin.Secret)]);
        var done = await client.PostAsync("/admin/flows/parked/replay", with);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }

    [Fact]
    public async Task Given_a_news_submitted_When_the_tail_of_the_news_category_is_read_with_a_filter_Then_it_shows_the_event_newest_first_without_its_data()
    {
        var id = await gateway.SubmitAsync("a news for the tail");
        using var client = gateway.WithToken();

        var tail = await Eventually(
            async () => JsonDocument.Parse(await client.GetStringAsync($"/admin/flows/tail.json?category=news&filter=news-{id}")).RootElement.Clone(),
            t => t.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("type").GetString() == "news.submitted"), "the tail shows the news' submission", TimeSpan.FromSeconds(10));

        var events = tail.GetProperty("events").EnumerateArray().ToList();
        Assert.All(events, e => Assert.Equal($"news-{id}", e.GetProperty("stream").GetString()));
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "news.submitted");
        Assert.Equal(events.OrderByDescending(e => e.GetProperty("position").GetInt64()).Select(e => e.GetProperty("position").GetInt64()),
            events.Select(e => e.GetProperty("position").GetInt64()));
        Assert.All(events, e => Assert.False(e.TryGetProperty("data", out _)));
    }

    [Theory]
    [InlineData("/admin/flows/tail.json")]
    [InlineData("/admin/flows/tail.json?category=News!")]
    [InlineData("/admin/flows/tail.json?category=news&count=0")]
    [InlineData("/admin/flows/tail.json?category=news&count=201")]
    [InlineData("/admin/flows/tail.json?category=news&count=abc")]
    public async Task Given_a_malformed_tail_request_When_it_is_read_Then_it_gets_a_clear_400(string path)
    {
        using var client = gateway.WithToken();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"title\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_replay_of_a_malformed_or_unknown_id_When_posted_Then_it_is_400_or_404()
    {
        using var client = gateway.WithToken();

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/admin/flows/parked/x1/replay", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/admin/flows/parked/999999/replay", null)).StatusCode);
    }

    private static JsonElement Consumer(JsonElement flows, string name) =>
        Assert.Single(flows.GetProperty("consumers").EnumerateArray(), c => c.GetProperty("flow").GetProperty("name").GetString() == name);
}

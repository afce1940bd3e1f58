using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Actors.Tests.News;

/// <summary>HTTP helpers: signed-in clients, form posts, and envelope checks (HTTP 200 and JSON, whatever happens).</summary>
public abstract class NewsApiTestBase(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> gateway)
{
    protected sealed record Session(long Id, string Username, string Token, string Secret, HttpClient Client);

    protected IGrainFactory Grains => gateway.Services.GetRequiredService<IGrainFactory>();

    protected HttpClient Anonymous() => gateway.CreateClient();

    /// <summary>A registered user that is not the admin (user 1 is created first when missing).</summary>
    protected async Task<Session> SignedIn()
    {
        if (await Grains.GetGrain<IUserGrain>(1).GetProfile() is null)
        {
            await Register();
        }

        return await Register();
    }

    protected async Task<Session> Register()
    {
        var user = await SignUp.NewAsync(Grains, "h");
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return new Session(user.Id, user.Name, user.Token, user.Secret, client);
    }

    protected static async Task<JsonElement> Post(HttpClient client, string path, params (string Key, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
        return await Envelope(await client.PostAsync(path, content));
    }

    protected static async Task<JsonElement> Get(HttpClient client, string path) => await Envelope(await client.GetAsync(path));

    /// <summary>Every news API answer: HTTP 200, JSON, with a status of ok or err.</summary>
    protected static async Task<JsonElement> Envelope(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Contains(json.GetProperty("status").GetString(), new[] { "ok", "err" });
        return json;
    }

    protected static void AssertError(JsonElement json, string error)
    {
        Assert.Equal("err", json.GetProperty("status").GetString());
        Assert.Equal(error, json.GetProperty("error").GetString());
    }

    protected static void AssertOk(JsonElement json) =>
        Assert.True(json.GetProperty("status").GetString() == "ok", json.ToString());

    protected async Task<long> SubmitNews(Session user, string? url = null)
    {
        var json = await Post(user.Client, "/api/submit",
            ("apisecret", user.Secret), ("title", "A title"), ("news_id", "-1"), ("url", url ?? $"https://example.org/{Guid.NewGuid():N}"), ("text", ""));
        AssertOk(json);
        return json.GetProperty("news_id").GetInt64();
    }
}

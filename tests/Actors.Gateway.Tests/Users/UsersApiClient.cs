using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Actors.Tests.Users;

/// <summary>Small helpers to speak the Lamernews user API in tests.</summary>
internal static class UsersApiClient
{
    /// <summary>
    /// A client that keeps no cookies: the gateway signs a browser in with a cookie on create_account and login, so a
    /// client that must stay anonymous after creating an account must not keep it.
    /// </summary>
    public static HttpClient CreateAnonymousClient(this Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> gateway) =>
        gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false });

    public static string FreshName(string prefix = "u") => $"{prefix}{Guid.NewGuid():N}"[..16];

    public static async Task<JsonElement> Envelope(this HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> PostForm(this HttpClient client, string path, params (string Key, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        return await (await client.PostAsync(path, content)).Envelope();
    }

    public static async Task<JsonElement> PostJson(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await (await client.PostAsync(path, content)).Envelope();
    }

    public static async Task<JsonElement> PostBytes(this HttpClient client, string path, byte[] body, string mediaType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return await (await client.PostAsync(path, content)).Envelope();
    }

    public static async Task<JsonElement> Get(this HttpClient client, string path) => await (await client.GetAsync(path)).Envelope();

    public static async Task<(string Auth, string Secret)> CreateAccount(this HttpClient client, string name, string password = "secret-password")
    {
        var body = await client.PostForm("/api/create_account", ("username", name), ("password", password));
        AssertOk(body);
        return (body.GetProperty("auth").GetString()!, body.GetProperty("apisecret").GetString()!);
    }

    /// <summary>A client that presents <paramref name="auth"/> as a Bearer token.</summary>
    public static HttpClient WithBearer(this HttpClient client, string auth)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auth);
        return client;
    }

    /// <summary>A client that presents <paramref name="auth"/> in cookie <c>auth</c>.</summary>
    public static HttpClient WithCookie(this HttpClient client, string auth)
    {
        client.DefaultRequestHeaders.Add("Cookie", $"auth={auth}");
        return client;
    }

    public static void AssertOk(JsonElement body) =>
        Assert.True(body.GetProperty("status").GetString() == "ok", $"expected ok, got {body}");

    public static void AssertError(JsonElement body, string expected)
    {
        Assert.Equal("err", body.GetProperty("status").GetString());
        Assert.Equal(expected, body.GetProperty("error").GetString());
    }

    public static void AssertError(JsonElement body)
    {
        Assert.Equal("err", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("error").GetString()));
    }
}

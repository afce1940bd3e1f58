using System.Text;
using Actors.Tests.News;

namespace Actors.Tests.Lamernews;

/// <summary>
/// Parameters are read as Rack reads them, on every route: the query, then a form (or JSON) body on any method, the
/// last of a repeated name winning. bevacqua/lamernews-client logs in with <c>GET /api/login</c> and a form body.
/// </summary>
public sealed class RackParametersTests(LamerCompatGateway gateway) : NewsApiTestBase(gateway), IClassFixture<LamerCompatGateway>
{
    [Fact]
    public async Task Given_a_login_by_GET_with_the_form_in_the_body_when_it_is_sent_then_the_user_is_signed_in()
    {
        var user = await SignUp.NewAsync(Grains, "rack");

        var json = await Send(HttpMethod.Get, "/api/login", Form(("username", user.Name), ("password", "password1")));

        AssertOk(json);
        Assert.Equal(user.Token, json.GetProperty("auth").GetString());
        Assert.Equal(user.Secret, json.GetProperty("apisecret").GetString());
    }

    [Fact]
    public async Task Given_a_GET_with_a_JSON_body_when_logging_in_then_the_body_is_read_too()
    {
        var user = await SignUp.NewAsync(Grains, "rack");

        var json = await Send(HttpMethod.Get, "/api/login", Json($$"""{"username":"{{user.Name}}","password":"password1"}"""));

        Assert.Equal(user.Token, json.GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Given_a_name_in_the_query_and_in_a_GET_body_when_logging_in_then_the_body_wins()
    {
        var user = await SignUp.NewAsync(Grains, "rack");

        var json = await Send(HttpMethod.Get, $"/api/login?username={user.Name}&password=wrong-password", Form(("password", "password1")));

        Assert.Equal(user.Token, json.GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Given_a_name_repeated_in_a_GET_body_when_logging_in_then_the_last_one_wins()
    {
        var user = await SignUp.NewAsync(Grains, "rack");

        var last = await Send(HttpMethod.Get, "/api/login", Form(("username", user.Name), ("password", "password1"), ("password", "wrong-password")));
        var first = await Send(HttpMethod.Get, "/api/login", Form(("username", user.Name), ("password", "wrong-password"), ("password", "password1")));

        AssertError(last, "No match for the specified username / password pair.");
        Assert.Equal(user.Token, first.GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Given_a_news_route_with_parameters_in_query_and_body_when_submitting_then_the_body_overrides_the_query_and_the_query_fills_in()
    {
        var user = await SignedIn();
        var url = $"https://example.org/{Guid.NewGuid():N}";

        var json = await Post(user.Client, $"/api/submit?apisecret={user.Secret}&title=from-the-query&news_id=-1&text=",
            ("title", "from the body"), ("url", url));

        AssertOk(json);
        var id = json.GetProperty("news_id").GetInt64();
        var news = await Grains.GetGrain<Actors.News.INewsGrain>(id).Get();
        Assert.Equal("from the body", news!.Title);
        Assert.Equal(url, news.Url);
    }

    [Fact]
    public async Task Given_a_GET_body_that_cannot_be_read_when_logging_in_then_the_answer_is_an_error_not_a_failure()
    {
        using var body = new ByteArrayContent(Encoding.UTF8.GetBytes("username=a%00b&password=x"));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");

        var json = await Send(HttpMethod.Get, "/api/login", body);

        Assert.Equal("err", json.GetProperty("status").GetString());
    }

    private async Task<System.Text.Json.JsonElement> Send(HttpMethod method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        return await Envelope(await Anonymous().SendAsync(request));
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Actors.Tests.Accounts;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Input;

/// <summary>
/// Text no store can carry (a lone surrogate, a NUL) is a clear input error at every reader of a body: the Lamernews
/// envelope on the user routes, a 400 ProblemDetails on the REST accounts; never a 500 with a logged stack trace.
/// </summary>
[Collection(GatewayCollection.Name)]
public class MalformedTextApiTests(GatewayFactory gateway) : AccountsApiTestBase(gateway)
{
    public static TheoryData<string> UserRoutes => new(["/api/login", "/api/create_account", "/api/updateprofile"]);

    [Theory]
    [MemberData(nameof(UserRoutes))]
    public async Task Given_a_lone_surrogate_in_a_json_body_When_a_user_route_reads_it_Then_the_envelope_names_the_bad_parameter(string route)
    {
        using var client = Gateway.CreateClient();

        var body = await client.PostJson(route, """{"username":"ab\ud800cd","password":"secret-password"}""");

        AssertError(body, "Invalid input: 'username' is not valid Unicode text (a lone surrogate).");
    }

    [Fact]
    public async Task Given_a_lone_surrogate_in_a_json_member_name_When_logging_in_Then_the_envelope_says_so()
    {
        using var client = Gateway.CreateClient();

        var body = await client.PostJson("/api/login", """{"\udc00":"x","username":"abc","password":"secret-password"}""");

        AssertError(body, "Invalid input: a name is not valid Unicode text (a lone surrogate).");
    }

    [Fact]
    public async Task Given_a_nul_in_a_form_value_When_creating_an_account_Then_the_envelope_says_so()
    {
        using var client = Gateway.CreateClient();

        var body = await client.PostBytes("/api/create_account", "username=abc%00def&password=secret-password"u8.ToArray(), "application/x-www-form-urlencoded");

        AssertError(body, "Invalid input: a form value contains a NUL character.");
    }

    [Theory]
    [InlineData("/api/login")]
    [InlineData("/api/create_account")]
    [InlineData("/api/votenews")]
    public async Task Given_a_form_declaring_utf7_When_a_route_reads_it_Then_the_envelope_says_the_charset_is_not_supported(string route)
    {
        // Was a 500 on the user routes and "Something went wrong" on the news routes, each with a logged stack trace.
        var (client, _, _) = await SignedInUser();

        var body = await client.PostBytes(route, "username=abc&password=secret-password&news_id=1&vote_type=up"u8.ToArray(),
            "application/x-www-form-urlencoded; charset=utf-7");

        AssertError(body, "Malformed request body: its charset is not supported (send UTF-8).");
    }

    [Theory]
    [InlineData("/api/accounts", """{"currency":"\ud800"}""")]
    [InlineData("/api/accounts", """{"currency":"EUR","note":["\udfff"]}""")]
    [InlineData("/api/accounts", """{"currency":"E\u0000R"}""")]
    [InlineData("/api/transfers", """{"id":"\ud83d","from":"x","to":"y","amount":1}""")]
    public async Task Given_malformed_text_in_a_rest_body_When_posting_it_Then_the_answer_is_a_400_problem(string path, string json)
    {
        var (client, _, _) = await SignedInUser();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        var response = await client.PostAsync(path, content);

        await AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("Invalid input:", (await Json(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Given_invalid_utf8_in_a_rest_body_When_opening_an_account_Then_the_answer_is_a_400_problem()
    {
        var (client, _, _) = await SignedInUser();
        using var content = new ByteArrayContent([.. "{\"currency\":\""u8, 0xC3, 0x28, .. "\"}"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await AssertProblem(await client.PostAsync("/api/accounts", content), HttpStatusCode.BadRequest);
    }
}

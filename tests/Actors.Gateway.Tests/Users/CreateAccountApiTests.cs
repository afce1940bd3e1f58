using System.Text;
using Actors.Users;
using Microsoft.Extensions.DependencyInjection;
using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Users;

[Collection(GatewayCollection.Name)]
public class CreateAccountApiTests(GatewayFactory gateway)
{
    [Fact]
    public async Task Creating_an_account_answers_a_token_and_an_api_secret_of_forty_hex_digits()
    {
        using var client = gateway.CreateClient();

        var body = await client.PostForm("/api/create_account", ("username", FreshName()), ("password", "secret-password"));

        AssertOk(body);
        Assert.Matches("^[0-9a-f]{40}$", body.GetProperty("auth").GetString());
        Assert.Matches("^[0-9a-f]{40}$", body.GetProperty("apisecret").GetString());
        Assert.NotEqual(body.GetProperty("auth").GetString(), body.GetProperty("apisecret").GetString());
    }

    [Fact]
    public async Task An_account_can_be_created_with_a_json_body_and_the_user_exists_with_the_initial_karma()
    {
        using var client = gateway.CreateClient();
        var name = FreshName();

        var body = await client.PostJson("/api/create_account", $$"""{"username":"{{name}}","password":"secret-password"}""");

        AssertOk(body);
        var grains = gateway.Services.GetRequiredService<IGrainFactory>();
        var id = await grains.GetGrain<IUsernameGrain>(name.ToLowerInvariant()).GetUserId();
        var profile = await grains.GetGrain<IUserGrain>(id!.Value).GetProfile();
        Assert.Equal(name, profile!.Username);
        Assert.Equal(1, profile.Karma);
    }

    [Fact]
    public async Task A_name_taken_in_another_letter_case_is_refused()
    {
        using var client = gateway.CreateClient();
        var name = FreshName("ab");
        await client.CreateAccount(name);

        var body = await client.PostForm("/api/create_account", ("username", name.ToUpperInvariant()), ("password", "secret-password"));

        AssertError(body, "Username is already taken, please try a different one.");
    }

    [Theory]
    [InlineData(null, "secret-password")]
    [InlineData("someone", null)]
    [InlineData("", "secret-password")]
    [InlineData("someone", "   ")]
    [InlineData(null, null)]
    public async Task Missing_or_empty_fields_are_refused_with_the_reference_sentence(string? username, string? password)
    {
        using var client = gateway.CreateClient();
        var fields = new List<(string, string)>();
        if (username is not null) fields.Add(("username", username));
        if (password is not null) fields.Add(("password", password));

        var body = await client.PostForm("/api/create_account", [.. fields]);

        AssertError(body, "Username and password are two required fields.");
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("robert'); DROP TABLE users;--")]
    [InlineData("名前名前")]
    [InlineData("abc def")]
    [InlineData("../../etc/passwd")]
    public async Task A_name_outside_the_pattern_is_refused(string username)
    {
        using var client = gateway.CreateClient();

        var body = await client.PostForm("/api/create_account", ("username", username), ("password", "secret-password"));

        AssertError(body, "Username must match /^[a-zA-Z][a-zA-Z0-9_\\-]+$/");
    }

    [Fact]
    public async Task A_name_with_control_characters_gets_an_envelope_error()
    {
        using var client = gateway.CreateClient();

        var byForm = await client.PostForm("/api/create_account", ("username", "ab\u0000cd\u001b[31m"), ("password", "secret-password"));
        var byJson = await client.PostJson("/api/create_account", """{"username":"ab\u0000cd","password":"secret-password"}""");

        AssertError(byForm);
        // A NUL is refused by the reader, for every route, before the username rule sees it.
        AssertError(byJson, "Invalid input: 'username' contains a NUL character.");
    }

    [Fact]
    public async Task A_short_password_is_refused()
    {
        using var client = gateway.CreateClient();

        var body = await client.PostForm("/api/create_account", ("username", FreshName()), ("password", "1234567"));

        AssertError(body, "Password is too short. Min length: 8");
    }

    [Fact]
    public async Task A_name_of_20_000_characters_is_refused_as_too_long()
    {
        using var client = gateway.CreateClient();

        var body = await client.PostForm("/api/create_account", ("username", new string('a', 20_000)), ("password", "secret-password"));

        AssertError(body, "Username is too long. Max length: 64");
    }

    [Fact]
    public async Task A_password_of_20_000_characters_is_refused_as_too_long()
    {
        using var client = gateway.CreateClient();

        var body = await client.PostForm("/api/create_account", ("username", FreshName()), ("password", new string('p', 20_000)));

        AssertError(body, "Password is too long. Max length: 1024");
    }

    [Fact]
    public async Task A_body_beyond_64_kb_is_refused_unread()
    {
        // The user routes read up to 64 KB, as the news routes do (2 MB before: buffered for any anonymous caller).
        using var client = gateway.CreateClient();

        var body = await client.PostJson("/api/create_account", $$"""{"username":"{{new string('a', 70 * 1024)}}","password":"secret-password"}""");

        AssertError(body, "Request body too large.");
    }

    [Theory]
    [InlineData("""{"username":42,"password":"secret-password"}""")]
    [InlineData("""{"username":["a"],"password":"secret-password"}""")]
    [InlineData("""{"username":{"$ne":null},"password":"secret-password"}""")]
    [InlineData("""["username","password"]""")]
    [InlineData("""{"username":"abc",""")]
    [InlineData("not json at all")]
    public async Task A_malformed_json_body_is_refused_with_an_envelope_error(string json)
    {
        using var client = gateway.CreateClient();

        var body = await client.PostJson("/api/create_account", json);

        AssertError(body);
    }

    [Fact]
    public async Task A_json_body_with_invalid_utf8_is_refused_with_an_envelope_error()
    {
        using var client = gateway.CreateClient();
        var bytes = Encoding.UTF8.GetBytes("""{"username":"ab","password":"secret-password"}""");
        bytes[14] = 0xC3; // a lead byte followed by a quote: not UTF-8
        bytes[15] = 0x28;

        var body = await client.PostBytes("/api/create_account", bytes, "application/json");

        AssertError(body);
    }

    [Fact]
    public async Task A_form_with_invalid_utf8_does_not_create_a_strange_name()
    {
        using var client = gateway.CreateClient();

        var body = await client.PostBytes("/api/create_account", "username=ab%C3%28cd&password=secret-password"u8.ToArray(), "application/x-www-form-urlencoded");

        AssertError(body, "Username must match /^[a-zA-Z][a-zA-Z0-9_\\-]+$/");
    }

    [Fact]
    public async Task An_unreadable_multipart_body_is_refused_with_an_envelope_error()
    {
        using var client = gateway.CreateClient();

        var body = await client.PostBytes("/api/create_account", "--x\r\nnot a part"u8.ToArray(), "multipart/form-data; boundary=x");

        AssertError(body, "Malformed request body.");
    }

    [Fact]
    public async Task Create_account_is_not_available_by_get()
    {
        using var client = gateway.CreateClient();

        var response = await client.GetAsync($"/api/create_account?username={FreshName()}&password=secret-password");

        Assert.Equal(System.Net.HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}

using static Actors.Tests.Users.UsersApiClient;

namespace Actors.Tests.Users;

[Collection(GatewayCollection.Name)]
public class LoginApiTests(GatewayFactory gateway)
{
    [Fact]
    public async Task Login_by_get_ignores_letter_case_and_answers_the_existing_token()
    {
        using var client = gateway.CreateClient();
        var name = FreshName("Al");
        var (auth, secret) = await client.CreateAccount(name, "secret-password");

        var body = await client.Get($"/api/login?username={name.ToUpperInvariant()}&password=secret-password");

        AssertOk(body);
        Assert.Equal(auth, body.GetProperty("auth").GetString());
        Assert.Equal(secret, body.GetProperty("apisecret").GetString());
    }

    [Fact]
    public async Task Login_by_post_accepts_a_form_and_a_json_body()
    {
        using var client = gateway.CreateClient();
        var name = FreshName();
        var (auth, _) = await client.CreateAccount(name, "secret-password");

        var byForm = await client.PostForm("/api/login", ("username", name), ("password", "secret-password"));
        var byJson = await client.PostJson("/api/login", $$"""{"username":"{{name}}","password":"secret-password"}""");

        Assert.Equal(auth, byForm.GetProperty("auth").GetString());
        Assert.Equal(auth, byJson.GetProperty("auth").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        using var client = gateway.CreateClient();
        var name = FreshName();
        await client.CreateAccount(name, "secret-password");

        var wrongPassword = await client.PostForm("/api/login", ("username", name), ("password", "secret-passwore"));
        var unknownUser = await client.PostForm("/api/login", ("username", FreshName()), ("password", "secret-password"));

        AssertError(wrongPassword, "No match for the specified username / password pair.");
        AssertError(unknownUser, "No match for the specified username / password pair.");
    }

    [Fact]
    public async Task Given_a_repeated_name_when_logging_in_then_the_last_value_wins_as_in_Rack()
    {
        using var client = gateway.CreateClient();
        var name = FreshName();
        var (auth, _) = await client.CreateAccount(name, "secret-password");

        var repeatedInForm = await client.PostForm("/api/login", ("username", name), ("password", "wrong-password"), ("password", "secret-password"));
        var repeatedInQuery = await client.Get($"/api/login?username={name}&password=wrong-password&password=secret-password");
        using var content = new FormUrlEncodedContent([KeyValuePair.Create("password", "secret-password")]);
        var bodyOverQuery = await (await client.PostAsync($"/api/login?username={name}&password=wrong-password", content)).Envelope();
        var lastIsWrong = await client.PostForm("/api/login", ("username", name), ("password", "secret-password"), ("password", "wrong-password"));

        Assert.Equal(auth, repeatedInForm.GetProperty("auth").GetString());
        Assert.Equal(auth, repeatedInQuery.GetProperty("auth").GetString());
        Assert.Equal(auth, bodyOverQuery.GetProperty("auth").GetString());
        AssertError(lastIsWrong, "No match for the specified username / password pair.");
    }

    [Theory]
    [InlineData("/api/login")]
    [InlineData("/api/login?username=bob")]
    [InlineData("/api/login?password=secret-password")]
    [InlineData("/api/login?username=%20&password=secret-password")]
    public async Task Missing_fields_are_refused_with_the_reference_sentence(string path)
    {
        using var client = gateway.CreateClient();

        AssertError(await client.Get(path), "Username and password are two required fields.");
    }

    [Theory]
    [InlineData("<script>")]
    [InlineData("' OR 1=1 --")]
    [InlineData("%00%01%02")]
    [InlineData("%C3%28")]
    public async Task Hostile_names_find_no_match(string username)
    {
        using var client = gateway.CreateClient();

        AssertError(await client.Get($"/api/login?username={username}&password=secret-password"), "No match for the specified username / password pair.");
    }

    [Fact]
    public async Task A_name_of_20_000_characters_finds_no_match()
    {
        using var client = gateway.CreateClient();

        var body = await client.PostForm("/api/login", ("username", new string('a', 20_000)), ("password", "secret-password"));

        AssertError(body, "No match for the specified username / password pair.");
    }

    [Fact]
    public async Task A_non_string_json_password_is_refused_with_an_envelope_error()
    {
        using var client = gateway.CreateClient();

        AssertError(await client.PostJson("/api/login", """{"username":"bob","password":12345678}"""));
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(600_000)]
    public void An_unknown_users_password_is_checked_against_a_hash_as_strong_as_a_stored_one(int iterations)
    {
        // The time a login takes must not tell whether the name exists: the stand-in hash costs what a real one costs.
        var stored = Actors.Users.PasswordHashing.Hash("a password", iterations);

        var dummy = Actors.Gateway.Users.UsersApi.DummyHashFor(iterations);

        Assert.Equal(stored.Split('$')[..2], dummy.Split('$')[..2]); // same scheme, same iterations
        Assert.False(Actors.Users.PasswordHashing.Verify("a password", dummy));
    }

    [Fact]
    public async Task Given_ten_attempts_on_one_name_within_a_minute_When_an_eleventh_comes_Then_it_is_refused_even_with_the_right_password()
    {
        using var client = gateway.CreateClient();
        var name = FreshName("Th");
        await client.CreateAccount(name, "secret-password");
        var other = FreshName("Ot");
        await client.CreateAccount(other, "secret-password");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("No match for the specified username / password pair.",
                (await client.PostForm("/api/login", ("username", name), ("password", $"guess-{i}"))).GetProperty("error").GetString());
        }

        var eleventh = await client.PostForm("/api/login", ("username", name.ToUpperInvariant()), ("password", "secret-password"));
        var someoneElse = await client.PostForm("/api/login", ("username", other), ("password", "secret-password"));

        Assert.Equal(Actors.Gateway.Users.LoginThrottle.TooManyAttempts, eleventh.GetProperty("error").GetString());
        AssertOk(someoneElse);
    }
}

using Actors.Users;

namespace Actors.Tests.Users;

public class UserRulesTests
{
    private const string Pattern = "^[a-zA-Z][a-zA-Z0-9_\\-]+$";

    [Theory]
    [InlineData("ab")]
    [InlineData("Alice_1-x")]
    public void Names_of_the_reference_shape_are_accepted(string name) => Assert.Null(UserRules.CheckUsername(name, Pattern, 64));

    [Theory]
    [InlineData("a")]
    [InlineData("1ab")]
    [InlineData("ab cd")]
    [InlineData("ab\ncd")]
    [InlineData("ab\n")]
    [InlineData("élan")]
    public void Other_names_are_refused_with_the_pattern(string name) =>
        Assert.Equal("Username must match /^[a-zA-Z][a-zA-Z0-9_\\-]+$/", UserRules.CheckUsername(name, Pattern, 64)!.Message);

    [Fact]
    public void An_overlong_name_is_refused_before_the_pattern_runs() =>
        Assert.Equal(UserRejections.UsernameTooLong(64), UserRules.CheckUsername(new string('a', 65), Pattern, 64));

    [Fact]
    public void Passwords_need_the_minimum_length_and_stay_under_the_maximum()
    {
        Assert.Equal("Password is too short. Min length: 8", UserRules.CheckPassword("1234567", 8, 1024)!.Message);
        Assert.Null(UserRules.CheckPassword("12345678", 8, 1024));
        Assert.NotNull(UserRules.CheckPassword(new string('p', 1025), 8, 1024));
    }
}

public class PasswordHashingTests
{
    [Fact]
    public void A_hash_verifies_its_password_only()
    {
        var hash = PasswordHashing.Hash("correct horse", 1000);

        Assert.True(PasswordHashing.Verify("correct horse", hash));
        Assert.False(PasswordHashing.Verify("correct horsf", hash));
        Assert.StartsWith("pbkdf2-sha256$1000$", hash);
    }

    [Fact]
    public void Two_hashes_of_one_password_differ_by_their_salt()
    {
        Assert.NotEqual(PasswordHashing.Hash("pw", 1), PasswordHashing.Hash("pw", 1));
    }

    [Fact]
    public void A_hash_made_with_another_iteration_count_still_verifies()
    {
        var old = PasswordHashing.Hash("pw", 10);

        Assert.True(PasswordHashing.Verify("pw", old));
    }

    [Fact]
    public void The_hash_is_pbkdf2_hmac_sha256_of_the_utf8_password()
    {
        var salt = new byte[16];
        var expected = Convert.ToBase64String(System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(
            "pässword"u8.ToArray(), salt, 5, System.Security.Cryptography.HashAlgorithmName.SHA256, 32));

        Assert.EndsWith("$" + expected, PasswordHashing.Hash("pässword", 5, salt));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$x$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1$not base64$AAAA")]
    [InlineData("sha1$1$AAAA$AAAA")]
    public void A_malformed_stored_hash_never_verifies(string stored) => Assert.False(PasswordHashing.Verify("pw", stored));

    [Fact]
    public void Tokens_are_forty_lowercase_hex_digits()
    {
        var token = PasswordHashing.NewToken();

        Assert.Matches("^[0-9a-f]{40}$", token);
        Assert.True(PasswordHashing.IsTokenShaped(token));
        Assert.False(PasswordHashing.IsTokenShaped(token.ToUpperInvariant()));
        Assert.False(PasswordHashing.IsTokenShaped(null));
    }
}

using System.Net;

namespace Actors.Tests.Users;

/// <summary>The user pages with names no one can have: a "Non existing user" page, never an error.</summary>
[Collection(GatewayCollection.Name)]
public class UserPagesTests(GatewayFactory gateway)
{
    [Theory]
    [InlineData("/user/%20")]
    [InlineData("/user/%09%09")]
    [InlineData("/usernews/%20/0")]
    [InlineData("/usercomments/%20%20/0")]
    [InlineData("/user/%3Cscript%3E")]
    public async Task Given_a_name_no_user_can_have_When_its_page_is_asked_for_Then_the_answer_is_the_non_existing_user_page(string path)
    {
        // A blank name was used as a grain key, which Orleans refuses: a 500 with a logged stack trace (found by the fuzz test).
        using var client = gateway.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Non existing user", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

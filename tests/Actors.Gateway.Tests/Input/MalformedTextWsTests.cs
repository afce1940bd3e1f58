using Actors.Tests.Realtime;

namespace Actors.Tests.Input;

/// <summary>A <c>/ws</c> message with text no store can carry gets an error reply; the socket stays open.</summary>
[Collection(RealtimeCollection.Name)]
public class MalformedTextWsTests(RealtimeGatewayFactory gateway)
{
    [Theory]
    [InlineData("""{"event":"ping","id":"m1","data":{"x":"\ud800"}}""", "m1")]
    [InlineData("""{"event":"news.submit","id":"m1","data":{"title":"\udc00","url":"https://example.org/ws"}}""", "m1")]
    [InlineData("""{"event":"account.open","id":"m1","data":{"currency":"\ud800"}}""", "m1")]
    [InlineData("""{"event":"\ud800","id":"m1"}""", "m1")]
    [InlineData("""{"event":"ping","id":"\ud800"}""", null)]
    [InlineData("""{"\ud800":1}""", null)]
    [InlineData("""{"\udc00":"x","event":"ping","id":"m1"}""", "m1")]
    public async Task Given_a_lone_surrogate_in_a_message_When_it_is_read_Then_an_error_is_replied_and_the_socket_stays_open(string message, string? id)
    {
        var user = await gateway.NewUserAsync();
        await using var ws = await gateway.ConnectAsync(user.Token);

        await ws.SendTextAsync(message);
        var error = await ws.ReplyAsync(id);
        var next = await ws.RequestAsync("ping");

        Assert.Equal("error", error.Event());
        Assert.NotEqual("Something went wrong, please try again.", error.Error());
        Assert.Equal("ok", next.Event());
    }
}

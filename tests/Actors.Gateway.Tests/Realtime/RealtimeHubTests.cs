using System.Text;
using Actors.Gateway.Realtime;

namespace Actors.Tests.Realtime;

/// <summary>The hub's idle flag: the event fan-out skips all work per event while nobody follows anything.</summary>
public class RealtimeHubTests
{
    [Fact]
    public void The_hub_is_idle_exactly_while_no_channel_has_a_subscriber()
    {
        var hub = new RealtimeHub();
        var first = new Outbox(capacity: 4, maxOverflows: 3);
        var second = new Outbox(capacity: 4, maxOverflows: 3);
        Assert.True(hub.IsIdle);

        hub.Subscribe("news.1", first);
        hub.Subscribe("news.top", second);
        Assert.False(hub.IsIdle);

        hub.Unsubscribe("news.1", first);
        Assert.False(hub.IsIdle);
        hub.Publish("news.top", Encoding.UTF8.GetBytes("{}"));
        Assert.True(second.Reader.TryRead(out _));

        hub.Unsubscribe("news.top", second);
        Assert.True(hub.IsIdle);
        Assert.False(hub.HasSubscribers("news.top"));
    }
}

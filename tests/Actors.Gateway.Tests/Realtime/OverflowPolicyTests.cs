using System.Text;
using System.Text.Json;
using Actors.Gateway.Realtime;

namespace Actors.Tests.Realtime;

/// <summary>The send queue of one connection: a client that does not read never holds up the publisher or anyone else.</summary>
public class OverflowPolicyTests
{
    private static byte[] Message(int i) => Encoding.UTF8.GetBytes($$"""{"n":{{i}}}""");

    private static List<string> Drain(Outbox outbox)
    {
        var read = new List<string>();
        while (outbox.Reader.TryRead(out var message))
        {
            read.Add(Encoding.UTF8.GetString(message));
        }

        return read;
    }

    [Fact]
    public void Pushes_beyond_the_capacity_are_dropped_without_waiting()
    {
        var outbox = new Outbox(capacity: 4, maxOverflows: 3);

        var queued = Enumerable.Range(0, 6).Select(i => outbox.TryPush(Message(i))).ToArray();

        Assert.Equal([true, true, true, true, false, false], queued);
        Assert.Equal(2, outbox.DroppedTotal);
        Assert.Equal(1, outbox.Overflows);
    }

    [Fact]
    public void After_an_overflow_the_client_first_gets_a_notice_with_the_number_dropped()
    {
        var outbox = new Outbox(capacity: 4, maxOverflows: 3);
        for (var i = 0; i < 6; i++)
        {
            outbox.TryPush(Message(i));
        }

        Drain(outbox);
        outbox.TryPush(Message(6));
        var read = Drain(outbox);

        Assert.Equal(2, read.Count);
        using var notice = JsonDocument.Parse(read[0]);
        Assert.Equal("overflow", notice.RootElement.GetProperty("event").GetString());
        Assert.Equal(2, notice.RootElement.GetProperty("data").GetProperty("dropped").GetInt32());
        Assert.Equal("""{"n":6}""", read[1]);
    }

    [Fact]
    public void Repeated_overflows_end_the_connection()
    {
        var outbox = new Outbox(capacity: 4, maxOverflows: 2);

        for (var episode = 0; episode < 3; episode++)
        {
            Assert.False(outbox.Aborted.IsCancellationRequested);
            for (var i = 0; i < 5; i++)
            {
                outbox.TryPush(Message(i));
            }

            Drain(outbox);
        }

        Assert.True(outbox.Aborted.IsCancellationRequested);
        Assert.False(outbox.TryPush(Message(99)));
    }

    [Fact]
    public void A_client_that_stops_reading_is_disconnected_after_a_queue_full_of_drops()
    {
        var outbox = new Outbox(capacity: 8, maxOverflows: 100);

        for (var i = 0; i < 8 + 7; i++)
        {
            outbox.TryPush(Message(i));
        }

        Assert.False(outbox.Aborted.IsCancellationRequested);
        outbox.TryPush(Message(15));
        Assert.True(outbox.Aborted.IsCancellationRequested);
    }

    [Fact]
    public async Task Replies_are_never_dropped_they_wait_for_room()
    {
        var outbox = new Outbox(capacity: 2, maxOverflows: 3);
        outbox.TryPush(Message(0));
        outbox.TryPush(Message(1));

        var reply = outbox.ReplyAsync(Message(2), CancellationToken.None);
        Assert.False(reply.IsCompleted);
        outbox.Reader.TryRead(out _);
        await reply;

        Assert.Equal(["""{"n":1}""", """{"n":2}"""], Drain(outbox));
    }

    [Fact]
    public void A_stuck_subscriber_does_not_keep_others_from_their_pushes()
    {
        var hub = new RealtimeHub();
        var stuck = new Outbox(capacity: 4, maxOverflows: 3);
        var healthy = new Outbox(capacity: 4, maxOverflows: 3);
        hub.Subscribe("news.top", stuck);
        hub.Subscribe("news.top", healthy);
        var received = 0;

        for (var i = 0; i < 100; i++)
        {
            hub.Publish("news.top", Message(i));
            received += Drain(healthy).Count;
        }

        Assert.Equal(100, received);
        Assert.True(stuck.Aborted.IsCancellationRequested);
        Assert.Equal(100 + 4, hub.Pushed);
    }
}

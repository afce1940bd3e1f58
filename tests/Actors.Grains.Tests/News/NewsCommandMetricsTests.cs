using System.Diagnostics.Metrics;
using Actors.News;
using Actors.Observability;

namespace Actors.Tests.News;

/// <summary>Every news command goes through the grain's shell, so each is counted like any other command.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NewsCommandMetricsTests(ClusterFixture fixture) : NewsGrainTestBase(fixture), IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, Dictionary<string, object?> Tags)> _measurements = [];

    [Fact]
    public async Task Edits_and_votes_are_counted_by_outcome_and_rejections_by_code()
    {
        Listen();
        var alice = await NewUser();
        var bob = await NewUser();
        var id = await Submit(alice);

        Assert.Null((await News(id).Edit(alice, "A new title", FreshUrl(), "")).Rejection);
        Assert.NotNull((await News(id).Edit(bob, "Mine now", FreshUrl(), "")).Rejection);
        Assert.Null((await News(id).Vote(bob, VoteDirection.Up)).Rejection);
        Assert.NotNull((await News(id).Vote(bob, VoteDirection.Up)).Rejection);

        Assert.True(Counted("actors.commands.handled", "Edit", "outcome", "accepted"));
        Assert.True(Counted("actors.commands.rejected", "Edit", "code", NewsRejections.EditRefused.Code));
        Assert.True(Counted("actors.commands.handled", "Vote", "outcome", "accepted"));
        Assert.True(Counted("actors.commands.rejected", "Vote", "code", NewsRejections.DuplicatedVote.Code));
    }

    public void Dispose() => _listener.Dispose();

    private bool Counted(string instrument, string command, string key, string value)
    {
        lock (_measurements)
        {
            return _measurements.Any(m =>
                m.Instrument == instrument && Equals(m.Tags["grain"], nameof(NewsGrain)) && Equals(m.Tags["command"], command) && Equals(m.Tags[key], value));
        }
    }

    private void Listen()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ActorsMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, copy));
            }
        });
        _listener.Start();
    }
}

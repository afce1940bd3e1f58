using System.Collections.Concurrent;
using Actors.EventSourcing;
using Actors.News;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Testing;

/// <summary>
/// A test-only consumer of the news events (registered like any consumer grain, by its implicit subscription, in every
/// silo of a test process) that fails on a marked event: the submission of a news whose title contains
/// <see cref="Marker"/>, until a test marks that news' stream as fixed. A consumer with a bug, as delivery sees it; every
/// other event it applies (and records), so tests can see the rest flow on.
/// </summary>
[ImplicitStreamSubscription(NewsStreams.Category)]
public sealed class FlakyNewsConsumerGrain : Grain, IGrainWithStringKey, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    /// <summary>Its name on the flow page and in the parked events (its grain type).</summary>
    public const string FlowName = "flakynewsconsumer";

    public const string Marker = "[flaky]";

    /// <summary>News streams (<c>news-{id}</c>) whose marked events no longer fail.</summary>
    public static readonly ConcurrentDictionary<string, bool> Fixed = new(StringComparer.Ordinal);

    /// <summary>(stream, version) of every event applied.</summary>
    public static readonly ConcurrentDictionary<(string Stream, long Version), bool> Applied = new();

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        if (item.Data is NewsSubmitted submitted && submitted.Title.Contains(Marker, StringComparison.Ordinal) && !Fixed.ContainsKey(item.StreamId))
        {
            throw new InvalidOperationException($"The flaky consumer cannot take {item.StreamId} v{item.Version}.");
        }

        Applied[(item.StreamId, item.Version)] = true;
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

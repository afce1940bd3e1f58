using System.Collections.Concurrent;
using Actors.EventSourcing;
using Actors.News;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Testing;

/// <summary>
/// What the flaky consumer does in one silo: which news it fails on no more, which events it applied. A test host that
/// registers one (a singleton) gets the flaky behaviour; the others' consumer does nothing. Per silo, since every silo
/// of a test process has the consumer and its news ids (news-1, news-2...) repeat from one silo to the next.
/// </summary>
public sealed class FlakyConsumerLedger
{
    /// <summary>News streams (<c>news-{id}</c>) whose marked events no longer fail.</summary>
    public ConcurrentDictionary<string, bool> Fixed { get; } = new(StringComparer.Ordinal);

    /// <summary>(stream, version) of every event applied.</summary>
    public ConcurrentDictionary<(string Stream, long Version), bool> Applied { get; } = new();
}

/// <summary>
/// A test-only consumer of the news events (registered like any consumer grain, by its implicit subscription, in every
/// silo of a test process) that, where a <see cref="FlakyConsumerLedger"/> is registered, fails on a marked event: the
/// submission of a news whose title contains <see cref="Marker"/>, until a test marks that news' stream as fixed. A
/// consumer with a bug, as delivery sees it; every other event it applies (and records), so tests see the rest flow on.
/// </summary>
[ImplicitStreamSubscription(NewsStreams.Category)]
public sealed class FlakyNewsConsumerGrain : Grain, IGrainWithStringKey, IStreamSubscriptionObserver, IAsyncObserver<RecordedEvent>
{
    /// <summary>Its name on the flow page and in the parked events (its grain type).</summary>
    public const string FlowName = "flakynewsconsumer";

    public const string Marker = "[flaky]";

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordedEvent>().ResumeAsync(this);

    public Task OnNextAsync(RecordedEvent item, StreamSequenceToken? token = null)
    {
        if (ServiceProvider.GetService<FlakyConsumerLedger>() is not { } ledger)
        {
            return Task.CompletedTask;
        }

        if (item.Data is NewsSubmitted submitted && submitted.Title.Contains(Marker, StringComparison.Ordinal) && !ledger.Fixed.ContainsKey(item.StreamId))
        {
            throw new InvalidOperationException($"The flaky consumer cannot take {item.StreamId} v{item.Version}.");
        }

        ledger.Applied[(item.StreamId, item.Version)] = true;
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

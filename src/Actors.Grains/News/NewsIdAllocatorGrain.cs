namespace Actors.News;

/// <summary>Hands out news ids 1, 2, 3... (key 0: one sequence for the site).</summary>
[Alias("actors.news.INewsIdAllocatorGrain")]
public interface INewsIdAllocatorGrain : IGrainWithIntegerKey
{
    Task<long> Next();

    /// <summary>
    /// Moves the sequence on to at least <paramref name="last"/> (never back), for news written straight into the log
    /// (seeding, imports): the next id handed out is then above every id they took.
    /// </summary>
    Task AdvanceTo(long last);
}

/// <summary><see cref="Last"/>: every id up to it is handed out or reserved by the running activation.</summary>
[GenerateSerializer, Alias("news.id-allocator-state")]
public sealed class NewsIdAllocatorState
{
    [Id(0)] public long Last { get; set; }
}

/// <summary>
/// Ids in reserved blocks. Every submission of the site goes through this one grain, and a storage write per id made it
/// the limit of durable submissions (one commit at a time, each a round trip: under 300 submissions/s on PostgreSQL). A
/// block of <see cref="Block"/> ids is written as reserved before its first id is handed out, so an id is still never
/// given twice, even if the silo stops right after; a graceful deactivation gives the unused rest back, and a crash
/// leaves at most <see cref="Block"/> - 1 ids unused (a gap in the sequence, never a repeat).
/// </summary>
public sealed class NewsIdAllocatorGrain(
    [PersistentState("news-ids")] IPersistentState<NewsIdAllocatorState> state) : Grain, INewsIdAllocatorGrain
{
    public const int Block = 64;

    private long _handedOut = -1;

    public async Task<long> Next()
    {
        if (_handedOut < 0)
        {
            _handedOut = state.State.Last; // The rest of a block a crashed activation had reserved stays unused.
        }

        if (_handedOut == state.State.Last)
        {
            state.State.Last += Block;
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                state.State.Last -= Block; // Not known to be reserved: nothing of that block may be handed out.
                throw;
            }
        }

        return ++_handedOut;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_handedOut >= 0 && _handedOut < state.State.Last)
        {
            state.State.Last = _handedOut;
            await state.WriteStateAsync(cancellationToken);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task AdvanceTo(long last)
    {
        if (last > state.State.Last)
        {
            state.State.Last = last;
            await state.WriteStateAsync();
        }

        _handedOut = Math.Max(_handedOut < 0 ? state.State.Last : _handedOut, last);
    }
}

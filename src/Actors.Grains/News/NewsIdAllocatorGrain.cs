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

[GenerateSerializer, Alias("news.id-allocator-state")]
public sealed class NewsIdAllocatorState
{
    [Id(0)] public long Last { get; set; }
}

public sealed class NewsIdAllocatorGrain(
    [PersistentState("news-ids")] IPersistentState<NewsIdAllocatorState> state) : Grain, INewsIdAllocatorGrain
{
    public async Task<long> Next()
    {
        // Written before it is handed out: an id is never given twice, even if the silo stops right after.
        state.State.Last++;
        await state.WriteStateAsync();
        return state.State.Last;
    }

    public async Task AdvanceTo(long last)
    {
        if (last > state.State.Last)
        {
            state.State.Last = last;
            await state.WriteStateAsync();
        }
    }
}

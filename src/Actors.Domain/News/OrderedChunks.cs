namespace Actors.News;

/// <summary>
/// A sorted list of distinct items held as a list of small sorted chunks. Inserting or removing anywhere costs a binary
/// search and a move of at most one chunk, where one flat list moved up to every item behind the position (at 100,000
/// news, each new news or vote shifted the whole list); the item at an index is found by walking the chunk sizes, so
/// paging stays cheap (at 1,000,000 items that walk is ~4,000 integer reads, once per cached page).
/// </summary>
/// <remarks><paramref name="order"/> must be a total order that never changes for an item while it is in the list.</remarks>
public sealed class OrderedChunks<T>(IComparer<T> order) where T : class
{
    private const int MaxChunk = 256;
    private readonly List<List<T>> _chunks = [];

    public int Count { get; private set; }

    public T First => _chunks[0][0];

    public T Last => _chunks[^1][^1];

    public T this[int index]
    {
        get
        {
            var (chunk, offset) = Locate(index);
            return _chunks[chunk][offset];
        }
    }

    public void Add(T item)
    {
        if (_chunks.Count == 0)
        {
            _chunks.Add([item]);
            Count = 1;
            return;
        }

        var c = ChunkFor(item);
        var chunk = _chunks[c];
        var i = chunk.BinarySearch(item, order);
        if (i >= 0)
        {
            throw new InvalidOperationException("The item is in the list already.");
        }

        chunk.Insert(~i, item);
        Count++;
        if (chunk.Count > MaxChunk)
        {
            var half = chunk.GetRange(MaxChunk / 2, chunk.Count - MaxChunk / 2);
            chunk.RemoveRange(MaxChunk / 2, chunk.Count - MaxChunk / 2);
            _chunks.Insert(c + 1, half);
        }
    }

    public bool Remove(T item)
    {
        if (Count == 0)
        {
            return false;
        }

        var c = ChunkFor(item);
        var chunk = _chunks[c];
        var i = chunk.BinarySearch(item, order);
        if (i < 0)
        {
            return false;
        }

        chunk.RemoveAt(i);
        Count--;
        if (chunk.Count == 0)
        {
            _chunks.RemoveAt(c);
        }

        return true;
    }

    /// <summary>The index of the first item for which <paramref name="reached"/> holds (it must be false, then true, along the order); Count if none.</summary>
    public int IndexOfFirst(Func<T, bool> reached)
    {
        var before = 0;
        foreach (var chunk in _chunks)
        {
            if (!reached(chunk[^1]))
            {
                before += chunk.Count;
                continue;
            }

            int lo = 0, hi = chunk.Count - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (reached(chunk[mid]))
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return before + lo;
        }

        return Count;
    }

    /// <summary>The items from <paramref name="start"/> on, in order. The list must not change while this is enumerated.</summary>
    public IEnumerable<T> From(int start)
    {
        if (start >= Count)
        {
            yield break;
        }

        var (c, offset) = Locate(Math.Max(0, start));
        for (; c < _chunks.Count; c++, offset = 0)
        {
            var chunk = _chunks[c];
            for (var i = offset; i < chunk.Count; i++)
            {
                yield return chunk[i];
            }
        }
    }

    /// <summary>The first chunk whose last item is not before <paramref name="item"/>, or the last chunk.</summary>
    private int ChunkFor(T item)
    {
        int lo = 0, hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (order.Compare(_chunks[mid][^1], item) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private (int Chunk, int Offset) Locate(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var c = 0;
        while (index >= _chunks[c].Count)
        {
            index -= _chunks[c].Count;
            c++;
        }

        return (c, index);
    }
}

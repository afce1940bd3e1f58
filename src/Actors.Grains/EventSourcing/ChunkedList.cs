namespace Actors.EventSourcing;

/// <summary>
/// An append-only list stored in fixed chunks of 1,024 items: growing never copies what is stored (a doubling list
/// copies everything at each doubling, briefly holding twice as much, and keeps up to half its array unused), and a
/// chunk of small structs stays below the large object heap's threshold.
/// </summary>
internal sealed class ChunkedList<T>
{
    private const int Shift = 10;
    private const int ChunkSize = 1 << Shift;
    private const int Mask = ChunkSize - 1;
    private T[][] _chunks = new T[4][];

    public int Count { get; private set; }

    /// <summary>The item at <paramref name="index"/>, by reference; the caller keeps <paramref name="index"/> below <see cref="Count"/>.</summary>
    public ref T this[int index] => ref _chunks[index >> Shift][index & Mask];

    public void Add(in T item)
    {
        var chunk = Count >> Shift;
        if (chunk == _chunks.Length)
        {
            Array.Resize(ref _chunks, _chunks.Length * 2);
        }

        (_chunks[chunk] ??= new T[ChunkSize])[Count & Mask] = item;
        Count++;
    }
}

using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Actors.News;

/// <summary>
/// The ids of the users who voted one way on a news or a comment: an immutable value (every version answers for the
/// votes it was made with, forever), but adding a voter to the newest version costs O(1) amortized.
/// </summary>
/// <remarks>
/// Why not an <c>ImmutableHashSet</c>: each of its adds allocates a new path through a balanced tree, which made the
/// replay of a news with 100,000 votes take ~190 ms and allocate ~100 MB. Here the versions of one fold share one
/// append-only store and each version is just (store, count): a voter belongs to a version when the store holds it
/// at an ordinal below that version's count. Adding to the newest version appends to the store in place (and adding
/// the voter an older version was already followed by shares that); adding anything else to an older one (a branch:
/// two different events folded onto the same state) copies that version's members into a store of its own first,
/// which only tests and rare retries do. The store is guarded by a lock because an older version may be read off the
/// grain's turn (e.g. serialized) while the newest one grows.
/// </remarks>
[CollectionBuilder(typeof(VoterSet), nameof(Create))]
[JsonConverter(typeof(VoterSetJsonConverter))]
public sealed class VoterSet : IReadOnlyCollection<long>, IEquatable<VoterSet>
{
    public static readonly VoterSet Empty = new(new Store(0), 0);

    private readonly Store _store;

    private VoterSet(Store store, int count)
    {
        _store = store;
        Count = count;
    }

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    public static VoterSet Create(ReadOnlySpan<long> voters)
    {
        if (voters.IsEmpty)
        {
            return Empty;
        }

        var store = new Store(voters.Length);
        foreach (var voter in voters)
        {
            store.TryAppend(voter);
        }

        return new VoterSet(store, store.Count);
    }

    public bool Contains(long voter)
    {
        lock (_store)
        {
            return _store.OrdinalOf(voter) < Count;
        }
    }

    /// <summary>This set with <paramref name="voter"/>; the same set when it is already in.</summary>
    public VoterSet Add(long voter)
    {
        if (Count == 0)
        {
            return Create([voter]); // never grow a shared empty set's store (Empty is one for the whole process)
        }

        lock (_store)
        {
            var ordinal = _store.OrdinalOf(voter);
            if (ordinal < Count)
            {
                return this;
            }

            if (ordinal == Count)
            {
                return new VoterSet(_store, Count + 1); // the same voter was added to this version before: share that
            }

            if (_store.Count == Count)
            {
                _store.TryAppend(voter); // the newest version: nobody else sees past Count, so growing the store is safe
                return new VoterSet(_store, Count + 1);
            }
        }

        // An older version grows differently from the newest one: give it a store of its own.
        var copy = new Store(Count + 1);
        foreach (var member in this)
        {
            copy.TryAppend(member);
        }

        copy.TryAppend(voter);
        return new VoterSet(copy, copy.Count);
    }

    public IEnumerator<long> GetEnumerator()
    {
        long[] members;
        lock (_store)
        {
            members = _store.CopyFirst(Count);
        }

        return ((IEnumerable<long>)members).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(VoterSet? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        if (ReferenceEquals(other._store, _store))
        {
            return true;
        }

        foreach (var voter in this)
        {
            if (!other.Contains(voter))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is VoterSet other && Equals(other);

    public override int GetHashCode() => Count;

    /// <summary>Members in the order they were added, each with its ordinal. Only ever appended to.</summary>
    private sealed class Store(int capacity)
    {
        private readonly Dictionary<long, int> _ordinals = new(capacity);
        private readonly List<long> _members = new(capacity);

        public int Count => _members.Count;

        /// <summary>The voter's ordinal, or int.MaxValue when it was never added.</summary>
        public int OrdinalOf(long voter) => _ordinals.TryGetValue(voter, out var ordinal) ? ordinal : int.MaxValue;

        public bool TryAppend(long voter)
        {
            if (!_ordinals.TryAdd(voter, _members.Count))
            {
                return false;
            }

            _members.Add(voter);
            return true;
        }

        public long[] CopyFirst(int count) => _members.GetRange(0, count).ToArray();
    }
}

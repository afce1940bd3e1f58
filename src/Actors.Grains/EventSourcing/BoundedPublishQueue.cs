namespace Actors.EventSourcing;

/// <summary>
/// One in-process stream queue with backpressure: at most <c>capacity</c> items wait for the reader; a publisher
/// that finds it full waits (asynchronously, first come first served) until the reader takes items, or at most
/// <c>maxWait</c>, and only then puts its item in. Nothing is dropped: a waiting publisher holds its own item, and the
/// publishers are grain turns, so what waits is bounded by the callers themselves.
/// </summary>
/// <remarks>
/// One lock for both sides: a publish is a few instructions under it (uncontended in the usual case, no allocation
/// while there is room), and FIFO admission of waiters keeps each stream's publish order (a grain publishes one event
/// after the other, awaiting each).
/// </remarks>
internal sealed class BoundedPublishQueue<T>(int capacity, TimeSpan maxWait, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Queue<T> _items = new();
    private readonly Queue<Waiter> _waiting = new();

    /// <summary>Items the reader can take now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Publishers waiting for room.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    public bool IsEmpty => Count == 0;

    /// <summary>Puts <paramref name="item"/> in, at once when there is room, else once there is (or after the longest wait).</summary>
    public Task EnqueueAsync(T item)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (_waiting.Count == 0 && _items.Count < capacity)
            {
                _items.Enqueue(item);
                return Task.CompletedTask;
            }

            waiter = new Waiter(item);
            _waiting.Enqueue(waiter);
        }

        return WaitAsync(waiter);
    }

    private async Task WaitAsync(Waiter waiter)
    {
        try
        {
            await waiter.Admitted.Task.WaitAsync(maxWait, time);
        }
        catch (TimeoutException)
        {
            // Over the bound rather than stuck: let every publisher up to this one in, in order.
            lock (_gate)
            {
                while (!waiter.Admitted.Task.IsCompleted && _waiting.TryDequeue(out var next))
                {
                    Admit(next);
                }
            }
        }
    }

    /// <summary>Takes up to <paramref name="max"/> items, then lets waiting publishers into the room made.</summary>
    public List<T> Take(int max)
    {
        lock (_gate)
        {
            var batch = new List<T>(Math.Min(max, Math.Max(_items.Count, 1)));
            while (batch.Count < max && _items.TryDequeue(out var item))
            {
                batch.Add(item);
            }

            while (_items.Count < capacity && _waiting.TryDequeue(out var next))
            {
                Admit(next);
            }

            return batch;
        }
    }

    private void Admit(Waiter waiter)
    {
        _items.Enqueue(waiter.Item);
        waiter.Admitted.TrySetResult(); // continuations run elsewhere (RunContinuationsAsynchronously), not under the lock
    }

    private sealed class Waiter(T item)
    {
        public T Item { get; } = item;

        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

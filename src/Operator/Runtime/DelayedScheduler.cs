namespace CloudTemple.Operator.Runtime;

/// <summary>
/// Adds keys to a work queue when they fall due: requeue-after and periodic resyncs. It keeps one
/// due time per key and lane (a later schedule replaces an earlier one), so an object reconciled
/// many times still has one pending resync, not a pile of timers.
/// </summary>
public sealed class DelayedScheduler<TKey>(WorkQueue<TKey> queue, TimeProvider? time = null)
    where TKey : notnull
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private readonly Dictionary<(TKey Key, QueuePriority Lane), DateTimeOffset> _due = [];
    private readonly PriorityQueue<(TKey Key, QueuePriority Lane, DateTimeOffset Due), DateTimeOffset> _timeline = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Keys waiting for their time.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _due.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="key"/> to the queue in <paramref name="lane"/> after <paramref name="delay"/>, replacing an earlier schedule of that key and lane.</summary>
    public void Schedule(TKey key, TimeSpan delay, QueuePriority lane)
    {
        var due = _time.GetUtcNow() + delay;
        lock (_lock)
        {
            _due[(key, lane)] = due;
            _timeline.Enqueue((key, lane, due), due);
            if (_timeline.Peek().Due == due)
            {
                _wake.TrySetResult();
            }
        }
    }

    /// <summary>Forgets every schedule of a key (it was deleted).</summary>
    public void Cancel(TKey key)
    {
        lock (_lock)
        {
            _due.Remove((key, QueuePriority.High));
            _due.Remove((key, QueuePriority.Low));
        }
    }

    /// <summary>Moves due keys into the queue until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var (wait, wake) = Pump();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(wait, _time, stop.Token);
            await Task.WhenAny(timer, wake).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves the keys due by now into the queue; returns how long until the next one is due, and a
    /// task that completes when something earlier is scheduled.
    /// </summary>
    internal (TimeSpan Wait, Task Wake) Pump()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            while (_timeline.TryPeek(out var next, out _) && next.Due <= now)
            {
                _timeline.Dequeue();
                if (_due.TryGetValue((next.Key, next.Lane), out var due) && due == next.Due)
                {
                    _due.Remove((next.Key, next.Lane));
                    queue.Add(next.Key, next.Lane);
                }
            }

            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            var wait = _timeline.TryPeek(out var first, out _) ? first.Due - now : Timeout.InfiniteTimeSpan;
            return (wait, _wake.Task);
        }
    }
}

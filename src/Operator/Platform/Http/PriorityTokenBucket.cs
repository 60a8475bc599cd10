namespace CloudTemple.Operator.Platform.Http;

/// <summary>Which requests go first when a product's budget is spent.</summary>
internal enum RequestPriority
{
    /// <summary>Reads: they finish the work already in flight (an operation that ended, seen by a list).</summary>
    Read = 0,

    /// <summary>Writes on resources that exist: the second step of objects already started.</summary>
    Change = 1,

    /// <summary>Creates: new work, started only when nothing already begun is waiting.</summary>
    Create = 2,
}

/// <summary>
/// A token bucket (N per second, burst N) whose waiters are served by priority, then oldest first:
/// System.Threading.RateLimiting's buckets queue only in arrival order. A cancelled waiter leaves
/// the queue without taking a token. Thread-safe.
/// </summary>
internal sealed class PriorityTokenBucket : IDisposable
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<TaskCompletionSource, (RequestPriority Priority, long Order)> _waiters = new();
    private readonly TimeProvider _clock;
    private readonly double _perSecond;
    private readonly ITimer _timer;
    private double _tokens;
    private long _refilledAt;
    private long _order;
    private bool _disposed;

    public PriorityTokenBucket(int perSecond, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSecond, 1);
        _clock = clock;
        _perSecond = perSecond;
        _tokens = perSecond;
        _refilledAt = clock.GetTimestamp();
        _timer = clock.CreateTimer(_ => Grant(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many requests wait for a token.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Completes when the request may be sent.</summary>
    public Task AcquireAsync(RequestPriority priority, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refill();
            if (_waiters.Count == 0 && _tokens >= 1)
            {
                _tokens -= 1;
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter, (priority, _order++));
            ScheduleLocked();
            if (!cancellationToken.CanBeCanceled)
            {
                return waiter.Task;
            }

            var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            return waiter.Task.ContinueWith(
                static (task, state) =>
                {
                    ((CancellationTokenRegistration)state!).Dispose();
                    return task;
                },
                registration,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).Unwrap();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
            while (_waiters.TryDequeue(out var waiter, out _))
            {
                waiter.TrySetException(new ObjectDisposedException(nameof(PriorityTokenBucket)));
            }
        }
    }

    private void Grant()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Refill();
            while (_tokens >= 1 && _waiters.TryDequeue(out var waiter, out _))
            {
                // A cancelled waiter takes no token.
                if (waiter.TrySetResult())
                {
                    _tokens -= 1;
                }
            }

            ScheduleLocked();
        }
    }

    private void Refill()
    {
        var now = _clock.GetTimestamp();
        _tokens = Math.Min(_perSecond, _tokens + (_clock.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond));
        _refilledAt = now;
    }

    // The next grant, when the next token is due; nothing when nobody waits.
    private void ScheduleLocked()
    {
        if (_waiters.Count == 0)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = TimeSpan.FromSeconds(Math.Max(0, 1 - _tokens) / _perSecond);
        _timer.Change(due < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : due, Timeout.InfiniteTimeSpan);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace CloudTemple.Operator.Runtime;

/// <summary>Which lane a key waits in: user changes are never starved behind periodic resyncs.</summary>
public enum QueuePriority
{
    /// <summary>A change seen on the API server, a retry, or a requested requeue.</summary>
    High,

    /// <summary>A periodic resync for drift detection.</summary>
    Low,
}

/// <summary>Settings of a <see cref="WorkQueue{TKey}"/>.</summary>
public sealed record WorkQueueOptions
{
    /// <summary>Delay of the first retry of a failing key; it doubles on each further failure.</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between retries. A failing key is retried for ever at this pace, never dropped.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries the whole queue may start per second (a token bucket shared by every key).</summary>
    public int RetriesPerSecond { get; init; } = 10;

    /// <summary>Retries that may start at once before the rate applies.</summary>
    public int RetryBurst { get; init; } = 100;
}

/// <summary>
/// The work queue of a controller, in the shape of client-go's: keys are deduplicated while they
/// wait, a key is handed to at most one worker at a time (a key added while it is being processed
/// waits until <see cref="Done"/>), failing keys come back with a per-key exponential backoff that
/// never gives up, and retries share a global rate limit. Two lanes keep user changes ahead of
/// periodic resyncs; a key waiting in the low lane moves up when it is added with high priority.
/// </summary>
/// <typeparam name="TKey">The key of an object, e.g. namespace/name.</typeparam>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "client-go's name, which operator engineers look for.")]
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TKey> _high = new();
    private readonly LinkedList<TKey> _low = new();
    private readonly Dictionary<TKey, (LinkedListNode<TKey> Node, QueuePriority Priority, long EnqueuedAt)> _waiting = [];
    private readonly Dictionary<TKey, QueuePriority> _dirtyWhileProcessing = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly WorkQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly IWorkQueueMetrics _metrics;
    private readonly TokenBucketRateLimiter _retryLimiter;
    private readonly CancellationTokenSource _shutdown = new();

    public WorkQueue(WorkQueueOptions? options = null, TimeProvider? time = null, IWorkQueueMetrics? metrics = null)
    {
        _options = options ?? new WorkQueueOptions();
        _time = time ?? TimeProvider.System;
        _metrics = metrics ?? IWorkQueueMetrics.None;
        _retryLimiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.RetryBurst,
            TokensPerPeriod = _options.RetriesPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Keys waiting for a worker (not those being processed).</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Whether <see cref="ShutDown"/> was called.</summary>
    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    /// <summary>Adds a key now. A key already waiting is not added twice; a key being processed is added again once it is done.</summary>
    public void Add(TKey key, QueuePriority priority = QueuePriority.High)
    {
        if (IsShuttingDown)
        {
            return;
        }

        lock (_lock)
        {
            _metrics.Added();
            if (_processing.Contains(key))
            {
                _dirtyWhileProcessing[key] = _dirtyWhileProcessing.TryGetValue(key, out var p) && p == QueuePriority.High ? p : priority;
                return;
            }

            if (_waiting.TryGetValue(key, out var entry))
            {
                if (priority == QueuePriority.High && entry.Priority == QueuePriority.Low)
                {
                    _low.Remove(entry.Node);
                    _waiting[key] = (_high.AddLast(key), QueuePriority.High, entry.EnqueuedAt);
                }

                return;
            }

            Enqueue(key, priority);
        }
    }

    /// <summary>Adds a key once <paramref name="delay"/> has passed (a requeue-after).</summary>
    public void AddAfter(TKey key, TimeSpan delay, QueuePriority priority = QueuePriority.High)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key, priority);
            return;
        }

        _ = AddLaterAsync(key, delay, priority, rateLimited: false);
    }

    /// <summary>
    /// Adds a failing key again after its backoff: <see cref="WorkQueueOptions.BaseRetryDelay"/> doubled
    /// per earlier failure, capped at <see cref="WorkQueueOptions.MaxRetryDelay"/>, then through the
    /// global retry rate limit.
    /// </summary>
    public void AddRateLimited(TKey key)
    {
        TimeSpan delay;
        lock (_lock)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            delay = Backoff(failures);
        }

        _metrics.Retried();
        _ = AddLaterAsync(key, delay, QueuePriority.High, rateLimited: true);
    }

    /// <summary>Forgets the failures of a key, so that its next failure starts from the base delay.</summary>
    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>How many times in a row the key has failed.</summary>
    public int Failures(TKey key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>
    /// Waits for a key to process and marks it as being processed; call <see cref="Done"/> when
    /// finished. Returns <c>default</c> with <c>false</c> once the queue shuts down.
    /// </summary>
    public async Task<(bool Ok, TKey Key)> GetAsync(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        try
        {
            await _available.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (IsShuttingDown)
        {
            return (false, default!);
        }

        lock (_lock)
        {
            var lane = _high.First is not null ? _high : _low;
            var key = lane.First!.Value;
            lane.RemoveFirst();
            var entry = _waiting[key];
            _waiting.Remove(key);
            _processing.Add(key);
            _metrics.Dequeued(_time.GetElapsedTime(entry.EnqueuedAt), _waiting.Count);
            return (true, key);
        }
    }

    /// <summary>Ends the processing of a key; if it was added meanwhile, it waits again.</summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (_dirtyWhileProcessing.Remove(key, out var priority) && !IsShuttingDown)
            {
                Enqueue(key, priority);
            }
        }
    }

    /// <summary>Stops handing out keys: waiting <see cref="GetAsync"/> calls return at once.</summary>
    public void ShutDown() => _shutdown.Cancel();

    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
        _retryLimiter.Dispose();
        _available.Dispose();
    }

    internal TimeSpan Backoff(int earlierFailures)
    {
        var factor = Math.Pow(2, Math.Min(earlierFailures, 40));
        var delay = _options.BaseRetryDelay.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(delay, _options.MaxRetryDelay.TotalMilliseconds));
    }

    // Called under the lock.
    private void Enqueue(TKey key, QueuePriority priority)
    {
        var node = (priority == QueuePriority.High ? _high : _low).AddLast(key);
        _waiting[key] = (node, priority, _time.GetTimestamp());
        _metrics.DepthChanged(_waiting.Count);
        _available.Release();
    }

    private async Task AddLaterAsync(TKey key, TimeSpan delay, QueuePriority priority, bool rateLimited)
    {
        try
        {
            await Task.Delay(delay, _time, _shutdown.Token).ConfigureAwait(false);
            if (rateLimited)
            {
                using var lease = await _retryLimiter.AcquireAsync(1, _shutdown.Token).ConfigureAwait(false);
            }

            Add(key, priority);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: nothing more is added.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while waiting.
        }
    }
}

/// <summary>What a work queue reports; the runtime maps it to Prometheus series (workqueue_*).</summary>
public interface IWorkQueueMetrics
{
    /// <summary>A queue that reports nothing.</summary>
    static IWorkQueueMetrics None { get; } = new NoMetrics();

    /// <summary>A key was added (workqueue_adds_total).</summary>
    void Added();

    /// <summary>A key is retried after a failure (workqueue_retries_total).</summary>
    void Retried();

    /// <summary>The number of waiting keys changed (workqueue_depth).</summary>
    void DepthChanged(int depth);

    /// <summary>A key left the queue after waiting for <paramref name="waited"/> (workqueue_queue_duration_seconds).</summary>
    void Dequeued(TimeSpan waited, int depth);

    private sealed class NoMetrics : IWorkQueueMetrics
    {
        public void Added()
        {
        }

        public void Retried()
        {
        }

        public void DepthChanged(int depth)
        {
        }

        public void Dequeued(TimeSpan waited, int depth)
        {
        }
    }
}

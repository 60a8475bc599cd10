using System.Collections.Concurrent;

namespace CloudTemple.Operator.Platform.Http;

/// <summary>One answer to a list: its items, whether it was whole (200) or partial (206), and when it was asked.</summary>
/// <typeparam name="T">The view of one item.</typeparam>
/// <param name="Items">The items the platform sent.</param>
/// <param name="Complete">A 200 list proves that an item it lacks is absent; a partial one (206) proves only presence.</param>
/// <param name="AskedAt">When the list was asked for: it shows every write the platform ended before then.</param>
internal sealed record Listing<T>(IReadOnlyList<T> Items, bool Complete, DateTimeOffset AskedAt);

/// <summary>
/// The platform's collections as one set of credentials sees them, listed once and shared by every
/// reconcile that reads them: a reader is served the latest list when it is recent enough, or joins
/// the list in flight, or starts the next one (never more than one list in flight per collection, and
/// never two within <see cref="PlatformOptions.ListInterval"/>, or <see cref="PlatformOptions.IdleListInterval"/>
/// while the collection's product has budget to spare). Recent enough means asked within
/// <see cref="PlatformOptions.ListFreshness"/>, and after the last write or operation end that touched
/// the item read (<see cref="Touch"/>): a reader never sees a resource as it was before its own write.
/// </summary>
internal sealed class ObservationCache(PlatformOptions options)
{
    private const int PruneAbove = 4096;
    private readonly ConcurrentDictionary<string, object> _collections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);

    /// <summary>The collection at <paramref name="route"/>, listed by <paramref name="fetch"/> when it must be.</summary>
    /// <param name="route">The collection's route.</param>
    /// <param name="fetch">Lists it.</param>
    /// <param name="busy">Whether the collection's product has requests waiting for its budget.</param>
    public Collection<T> Of<T>(string route, Func<CancellationToken, Task<(List<T> Items, bool Complete)>> fetch, Func<bool> busy) =>
        (Collection<T>)_collections.GetOrAdd(route, _ => new Collection<T>(fetch, busy, options));

    /// <summary>
    /// Marks what a write or an operation's end changed (resource ids, or a kind and name for a create):
    /// reads of it wait for a list asked after now.
    /// </summary>
    public void Touch(IEnumerable<string?> keys)
    {
        var now = options.Clock.GetUtcNow();
        foreach (var key in keys)
        {
            if (!string.IsNullOrEmpty(key))
            {
                _touched[key] = now;
            }
        }

        if (_touched.Count > PruneAbove)
        {
            // A mark older than the freshness window asks for nothing a fresh list does not give.
            var stale = now - options.ListFreshness;
            foreach (var old in _touched.Where(t => t.Value < stale).Select(t => t.Key).ToList())
            {
                _touched.TryRemove(old, out _);
            }
        }
    }

    /// <summary>The earliest list that may answer a read of <paramref name="key"/>.</summary>
    /// <remarks>A list asked at the instant of the mark or later was sent after the write's answer or the operation's end was seen.</remarks>
    public DateTimeOffset NotBefore(string? key) =>
        key is not null && _touched.TryGetValue(key, out var at) ? at : DateTimeOffset.MinValue;

    /// <summary>The key every write marks in its product (compute, backup…): whole lists of it wait for a newer list.</summary>
    public const string AnyProduct = "product:*";

    /// <summary>The key of a product's writes.</summary>
    public static string ProductKey(string product) => $"product:{product}";

    /// <summary>The key a create marks before its resource has an id: its kind and name.</summary>
    public static string NameKey(string kind, string name) => $"{kind}:name:{name}";

    /// <summary>One collection: its latest list and the one in flight.</summary>
    internal sealed class Collection<T>(Func<CancellationToken, Task<(List<T> Items, bool Complete)>> fetch, Func<bool> busy, PlatformOptions options)
    {
        private readonly Lock _gate = new();
        private Listing<T>? _latest;
        private Task<Listing<T>>? _inFlight;
        private DateTimeOffset _inFlightAskedAt;
        private DateTimeOffset _lastAskedAt = DateTimeOffset.MinValue;

        /// <summary>A list asked at or after <paramref name="notBefore"/> and within the freshness window.</summary>
        public async Task<Listing<T>> GetAsync(DateTimeOffset notBefore, CancellationToken cancellationToken)
        {
            var needed = Max(notBefore, options.Clock.GetUtcNow() - options.ListFreshness);
            while (true)
            {
                Task<Listing<T>> waiting;
                bool early;
                (TaskCompletionSource<Listing<T>> Next, TimeSpan Delay)? start = null;
                lock (_gate)
                {
                    if (_latest is { } latest && latest.AskedAt >= needed)
                    {
                        return latest;
                    }

                    if (_inFlight is null)
                    {
                        // The next list, not sooner than the interval after the last one.
                        var now = options.Clock.GetUtcNow();
                        var due = Max(now, _lastAskedAt + (busy() ? options.ListInterval : options.IdleListInterval));
                        var next = new TaskCompletionSource<Listing<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
                        _inFlight = next.Task;
                        _inFlightAskedAt = due;
                        _lastAskedAt = due;
                        start = (next, due - now);
                    }

                    waiting = _inFlight;
                    early = _inFlightAskedAt < needed;
                }

                // Started outside the lock: a list answered at once ends (and clears _inFlight) in this call.
                if (start is { } starting)
                {
                    _ = FetchAsync(starting.Next, starting.Delay);
                }

                if (!early)
                {
                    return await waiting.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                // A list asked too early, failed or not, ends the wait for the one after it.
                await ((Task)waiting).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task FetchAsync(TaskCompletionSource<Listing<T>> next, TimeSpan delay)
        {
            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, options.Clock).ConfigureAwait(false);
                }

                var askedAt = options.Clock.GetUtcNow();

                // No reader's cancellation stops a list that other readers share.
                var (items, complete) = await fetch(CancellationToken.None).ConfigureAwait(false);
                var listing = new Listing<T>(items, complete, askedAt);
                lock (_gate)
                {
                    _latest = listing;
                    _inFlight = null;
                }

                next.SetResult(listing);
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _inFlight = null;
                }

                next.SetException(e);
            }
        }

        private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    }
}

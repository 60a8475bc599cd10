using System.Collections.Concurrent;
using CloudTemple.Operator.Entities;
using k8s;
using k8s.Autorest;

namespace CloudTemple.Operator.Runtime;

/// <summary>A change the informer saw. <see cref="Old"/> is the cached object before it, if any.</summary>
public sealed record InformerEvent<T>(WatchEventType Type, T? Old, T Object);

/// <summary>Settings of an informer.</summary>
public sealed record InformerOptions
{
    /// <summary>
    /// The server-side timeout of one watch; each watch draws a random value between this and twice
    /// it, so that replicas do not reconnect in step (client-go does the same).
    /// </summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay before reconnecting after a failure; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan BaseReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Keeps an in-memory cache of one kind in step with the API server: list, then watch with
/// bookmarks from the list's resourceVersion; when a watch ends, watch again from the last
/// resourceVersion seen; when the server says that version is gone (410), list again and report
/// what changed meanwhile; when the API server cannot be reached, retry with a capped backoff.
/// It never reconciles: every change goes to <paramref name="handler"/>, which only enqueues keys.
/// </summary>
public sealed partial class Informer<T>(
    IListWatcher<T> source,
    Action<InformerEvent<T>> handler,
    ILogger logger,
    InformerOptions? options = null,
    TimeProvider? time = null,
    IInformerMetrics? metrics = null)
    where T : class, ICustomResource
{
    private readonly ConcurrentDictionary<ObjectKey, T> _cache = new();
    private readonly InformerOptions _options = options ?? new InformerOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly IInformerMetrics _metrics = metrics ?? IInformerMetrics.None;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the first list has been cached.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>Completes when the first list has been cached.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The latest copy of each object.</summary>
    public IReadOnlyDictionary<ObjectKey, T> Cache => _cache;

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var delay = _options.BaseReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await source.ListAsync(cancellationToken).ConfigureAwait(false);
                    Replace(list.Items);
                    resourceVersion = list.ResourceVersion;
                    _metrics.Listed();
                    _synced.TrySetResult();
                    LogListed(list.Items.Count, resourceVersion);
                }

                var timeout = _options.WatchTimeout * (1 + Random.Shared.NextDouble());
                await foreach (var (type, entity) in source.WatchAsync(resourceVersion, timeout, cancellationToken).ConfigureAwait(false))
                {
                    delay = _options.BaseReconnectDelay;
                    resourceVersion = entity.Metadata.ResourceVersion ?? resourceVersion;
                    Apply(type, entity);
                }

                // The server closed the watch (its timeout): watch again from where it ended.
            }
            catch (ResourceExpiredException e)
            {
                LogExpired(resourceVersion, e.Message);
                _metrics.Expired();
                resourceVersion = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException or IOException or KubernetesException or OperationCanceledException)
            {
                var wait = delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
                LogReconnecting(e, wait.TotalSeconds);
                _metrics.Reconnected();
                try
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
        }
    }

    private void Apply(WatchEventType type, T entity)
    {
        if (type is WatchEventType.Bookmark or WatchEventType.Error)
        {
            return;
        }

        var key = ObjectKey.Of(entity);
        _metrics.Event(type);
        if (type == WatchEventType.Deleted)
        {
            _cache.TryRemove(key, out var removed);
            handler(new InformerEvent<T>(WatchEventType.Deleted, removed, entity));
            return;
        }

        _cache.TryGetValue(key, out var old);
        _cache[key] = entity;
        handler(new InformerEvent<T>(old is null ? WatchEventType.Added : WatchEventType.Modified, old, entity));
    }

    // After a (re)list: every listed object is an add or an update, every cached one not listed a delete.
    private void Replace(IReadOnlyList<T> items)
    {
        var listed = new HashSet<ObjectKey>();
        foreach (var entity in items)
        {
            var key = ObjectKey.Of(entity);
            listed.Add(key);
            if (_cache.TryGetValue(key, out var old) && old.Metadata.ResourceVersion == entity.Metadata.ResourceVersion)
            {
                continue;
            }

            Apply(WatchEventType.Modified, entity);
        }

        foreach (var (key, entity) in _cache)
        {
            if (!listed.Contains(key))
            {
                Apply(WatchEventType.Deleted, entity);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Count} objects at resourceVersion {ResourceVersion}")]
    private partial void LogListed(int count, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch from resourceVersion {ResourceVersion} expired ({Reason}); listing again")]
    private partial void LogExpired(string? resourceVersion, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch failed; reconnecting in {DelaySeconds:F1} s")]
    private partial void LogReconnecting(Exception exception, double delaySeconds);
}

/// <summary>Lists and watches one kind. The seam between the informer's logic and the API server.</summary>
public interface IListWatcher<T>
{
    /// <summary>Every object, and the resourceVersion of the list.</summary>
    Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The changes after <paramref name="resourceVersion"/>, bookmarks included, until the server
    /// ends the watch. Throws <see cref="ResourceExpiredException"/> when that version is too old (410 Gone).
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The resourceVersion a watch asked for is no longer available (410 Gone): list again.</summary>
public sealed class ResourceExpiredException(string message) : Exception(message);

/// <summary>What an informer reports; the runtime maps it to Prometheus series.</summary>
public interface IInformerMetrics
{
    /// <summary>Reports nothing.</summary>
    static IInformerMetrics None { get; } = new NoMetrics();

    /// <summary>A full list was made (at start and after a 410).</summary>
    void Listed();

    /// <summary>A watch's resourceVersion expired (410).</summary>
    void Expired();

    /// <summary>A watch failed and is retried.</summary>
    void Reconnected();

    /// <summary>A watch event arrived.</summary>
    void Event(WatchEventType type);

    private sealed class NoMetrics : IInformerMetrics
    {
        public void Listed()
        {
        }

        public void Expired()
        {
        }

        public void Reconnected()
        {
        }

        public void Event(WatchEventType type)
        {
        }
    }
}

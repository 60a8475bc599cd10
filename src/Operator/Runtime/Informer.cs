using System.Collections.Concurrent;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// The longest delay before the informer starts again after a failure it does not expect (not
    /// the API server being unreachable); from <see cref="BaseReconnectDelay"/>, doubling.
    /// </summary>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Keeps an in-memory cache of one kind in step with the API server: list, then watch with
/// bookmarks from the list's resourceVersion; when a watch ends, watch again from the last
/// resourceVersion seen; when the server says that version is gone (410), list again and report
/// what changed meanwhile; when the API server cannot be reached, retry with a capped backoff.
/// It never reconciles: every change goes to <paramref name="handler"/>, which only enqueues keys.
/// </summary>
/// <remarks>
/// No object can stop it. An object that cannot be read as <typeparamref name="T"/> is skipped —
/// left out of the cache, as if deleted — and reported once per version: a warning, the
/// cloudtemple_informer_decode_failures_total counter, and <paramref name="skipped"/> (an event on
/// the object); the rest of the kind goes on, and the object is back as soon as a version of it can
/// be read. Any other failure of the loop is logged and the informer starts again from a fresh list,
/// after a backoff that doubles up to <see cref="InformerOptions.MaxRestartDelay"/>.
/// </remarks>
public sealed partial class Informer<T>(
    IListWatcher<T> source,
    Action<InformerEvent<T>> handler,
    ILogger logger,
    InformerOptions? options = null,
    TimeProvider? time = null,
    IInformerMetrics? metrics = null,
    Action<UndecodableObject>? skipped = null)
    where T : class, ICustomResource
{
    private readonly ConcurrentDictionary<ObjectKey, T> _cache = new();
    private readonly ConcurrentDictionary<ObjectKey, string> _skipped = new();
    private readonly InformerOptions _options = options ?? new InformerOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly IInformerMetrics _metrics = metrics ?? IInformerMetrics.None;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _kind = EntityInfo.Of<T>().Kind;
    private volatile string? _lastFailure;

    /// <summary>The kind and the namespace it lists, e.g. "Cpool in namespace prod".</summary>
    public string Name { get; } = $"{EntityInfo.Of<T>().Kind} in {(source.Namespace is { } ns ? $"namespace {ns}" : "every namespace")}";

    /// <summary>Whether the first list has been cached.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>Completes when the first list has been cached.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The latest copy of each object.</summary>
    public IReadOnlyDictionary<ObjectKey, T> Cache => _cache;

    /// <summary>The objects left out because they cannot be read, with the resourceVersion that could not.</summary>
    public IReadOnlyDictionary<ObjectKey, string> Skipped => _skipped;

    /// <summary>Why the informer has not synced yet, for /readyz; null once it has.</summary>
    public string? NotSyncedReason => HasSynced ? null : $"{Name}: not listed yet" + (_lastFailure is { } failure ? $" (last failure: {failure})" : string.Empty);

    /// <summary>Runs until cancelled; never fails otherwise.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        var delay = _options.BaseReconnectDelay;
        var restartDelay = _options.BaseReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                if (resourceVersion is null)
                {
                    var (count, listedVersion) = await ListAsync(cancellationToken).ConfigureAwait(false);
                    resourceVersion = listedVersion;
                    _metrics.Listed();
                    _lastFailure = null;
                    _synced.TrySetResult();
                    LogListed(count, resourceVersion);
                }

                var timeout = _options.WatchTimeout * (1 + Random.Shared.NextDouble());
                await foreach (var (type, json) in source.WatchAsync(resourceVersion, timeout, cancellationToken).ConfigureAwait(false))
                {
                    resourceVersion = EntityDecoder.ResourceVersion(json) ?? resourceVersion;
                    Apply(type, json);
                    delay = _options.BaseReconnectDelay;
                    restartDelay = _options.BaseReconnectDelay;
                }

                // The server closed the watch (its timeout): watch again from where it ended.
                continue;
            }
            catch (ResourceExpiredException e)
            {
                LogExpired(resourceVersion, e.Message);
                _metrics.Expired();
                resourceVersion = null;
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or HttpOperationException or IOException or KubernetesException or OperationCanceledException)
            {
                wait = delay * (0.8 + (Random.Shared.NextDouble() * 0.4));
                _lastFailure = Describe(e);
                LogReconnecting(e, wait.TotalSeconds);
                _metrics.Reconnected();
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
            }
            catch (Exception e)
            {
                // Anything else — a bug, a malformed list, a handler that throws — would have ended the
                // loop and, unobserved, left the kind unwatched for good: start again from a fresh list.
                wait = restartDelay * (0.8 + (Random.Shared.NextDouble() * 0.4));
                _lastFailure = Describe(e);
                LogRestarting(e, Name, wait.TotalSeconds);
                _metrics.Restarted();
                resourceVersion = null;
                restartDelay = TimeSpan.FromTicks(Math.Min(restartDelay.Ticks * 2, _options.MaxRestartDelay.Ticks));
            }

            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Apply(WatchEventType type, JsonObject json)
    {
        if (type is WatchEventType.Bookmark or WatchEventType.Error)
        {
            return;
        }

        _metrics.Event(type);
        if (EntityDecoder.TryDecode<T>(CachedShape.Trim(json), out var entity, out var failure))
        {
            Apply(type, entity);
        }
        else
        {
            Skip(type, failure);
        }
    }

    private void Apply(WatchEventType type, T entity)
    {
        var key = ObjectKey.Of(entity);
        if (_skipped.TryRemove(key, out _) && type != WatchEventType.Deleted)
        {
            LogReadable(_kind, key, entity.Metadata.ResourceVersion);
        }

        if (type == WatchEventType.Deleted)
        {
            if (_cache.TryGetValue(key, out var removed))
            {
                Change(key, removed, null, new InformerEvent<T>(WatchEventType.Deleted, removed, entity));
            }

            return;
        }

        _cache.TryGetValue(key, out var old);
        Change(key, old, entity, new InformerEvent<T>(old is null ? WatchEventType.Added : WatchEventType.Modified, old, entity));
    }

    // The cache changes together with the handler being told: when the handler throws, the change is
    // undone, so that the list the informer starts again from reports it again.
    private void Change(ObjectKey key, T? old, T? current, InformerEvent<T> change)
    {
        Put(key, current);
        try
        {
            handler(change);
        }
        catch
        {
            Put(key, old);
            throw;
        }
    }

    private void Put(ObjectKey key, T? entity)
    {
        if (entity is null)
        {
            _cache.TryRemove(key, out _);
        }
        else
        {
            _cache[key] = entity;
        }
    }

    // An object that cannot be read is left out: the cached copy, if any, goes as a delete would (its
    // resync stops), and it comes back as an add once a version of it can be read.
    private void Skip(WatchEventType type, UndecodableObject failure)
    {
        if (failure.Key is not { } key)
        {
            Report(failure);
            return;
        }

        if (type == WatchEventType.Deleted)
        {
            _skipped.TryRemove(key, out _);
        }
        else if (!_skipped.TryGetValue(key, out var reported) || reported != failure.Reference.ResourceVersion)
        {
            _skipped[key] = failure.Reference.ResourceVersion ?? string.Empty;
            Report(failure);
        }

        if (_cache.TryGetValue(key, out var removed))
        {
            Change(key, removed, null, new InformerEvent<T>(WatchEventType.Deleted, removed, removed));
        }
    }

    private void Report(UndecodableObject failure)
    {
        LogUndecodable(_kind, failure.Key?.ToString() ?? "(unnamed)", failure.Reference.ResourceVersion, failure.Path, failure.Error);
        _metrics.DecodeFailed();
        skipped?.Invoke(failure);
    }

    // A (re)list, a page at a time: every listed object is an add or an update as soon as its page
    // arrives (so the workers start on the first page, and no more than a page of raw JSON is held);
    // once the last page is in, every cached object not listed is a delete.
    private async Task<(int Count, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        var listed = new HashSet<ObjectKey>();
        string? resourceVersion = null;
        await foreach (var (items, pageVersion) in source.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var json in items)
            {
                Listed(json, listed);
            }

            resourceVersion = pageVersion;
        }

        foreach (var (key, entity) in _cache)
        {
            if (!listed.Contains(key))
            {
                Apply(WatchEventType.Deleted, entity);
            }
        }

        foreach (var key in _skipped.Keys.Where(k => !listed.Contains(k)))
        {
            _skipped.TryRemove(key, out _);
        }

        return (listed.Count, resourceVersion ?? throw new InvalidOperationException($"The list of {Name} ended without a page."));
    }

    private void Listed(JsonObject json, HashSet<ObjectKey> listed)
    {
        if (!EntityDecoder.TryDecode<T>(CachedShape.Trim(json), out var entity, out var failure))
        {
            Skip(WatchEventType.Modified, failure);
            if (failure.Key is { } skippedKey)
            {
                listed.Add(skippedKey);
            }

            return;
        }

        var key = ObjectKey.Of(entity);
        listed.Add(key);
        if (_cache.TryGetValue(key, out var old) && old.Metadata.ResourceVersion == entity.Metadata.ResourceVersion)
        {
            return;
        }

        Apply(WatchEventType.Modified, entity);
    }

    private static string Describe(Exception e) => BoundedText.Truncate($"{e.GetType().Name}: {e.Message}", 300);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Count} objects at resourceVersion {ResourceVersion}")]
    private partial void LogListed(int count, string resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch from resourceVersion {ResourceVersion} expired ({Reason}); listing again")]
    private partial void LogExpired(string? resourceVersion, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch failed; reconnecting in {DelaySeconds:F1} s")]
    private partial void LogReconnecting(Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Informer of {Informer} failed; starting again from a fresh list in {DelaySeconds:F1} s")]
    private partial void LogRestarting(Exception exception, string informer, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {Kind} {Key} at resourceVersion {ResourceVersion}: it cannot be read at {Path} ({Error}); the other objects of the kind are not affected, and it is read again when it changes")]
    private partial void LogUndecodable(string kind, string key, string? resourceVersion, string path, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Key} can be read again at resourceVersion {ResourceVersion}")]
    private partial void LogReadable(string kind, ObjectKey key, string? resourceVersion);
}

/// <summary>Lists and watches one kind, as the API server sends it: raw JSON, which the informer decodes.</summary>
/// <typeparam name="T">The kind listed.</typeparam>
public interface IListWatcher<T>
{
    /// <summary>The namespace listed; null for every namespace.</summary>
    string? Namespace { get; }

    /// <summary>
    /// Every object, a page at a time, each page with the resourceVersion of the list (the same on
    /// every page of one list). The next page is asked for once the caller has read the previous one.
    /// </summary>
    IAsyncEnumerable<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The changes after <paramref name="resourceVersion"/>, bookmarks included, until the server
    /// ends the watch. Throws <see cref="ResourceExpiredException"/> when that version is too old (410 Gone).
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, JsonObject Object)> WatchAsync(string resourceVersion, TimeSpan timeout, CancellationToken cancellationToken);
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

    /// <summary>A version of an object could not be read as its kind and was skipped.</summary>
    void DecodeFailed();

    /// <summary>The informer failed unexpectedly and starts again from a list.</summary>
    void Restarted();

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

        public void DecodeFailed()
        {
        }

        public void Restarted()
        {
        }
    }
}

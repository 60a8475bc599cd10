using CloudTemple.Operator.Entities;
using k8s;

namespace CloudTemple.Operator.Runtime;

/// <summary>A controller of one kind, seen by the runtime.</summary>
public interface IController
{
    /// <summary>The controller's name in metrics and logs.</summary>
    string Name { get; }

    /// <summary>Whether every informer of the running controller has cached its first list.</summary>
    bool HasSynced { get; }

    /// <summary>What is not synced yet, one line per informer, for /readyz; empty once synced.</summary>
    IReadOnlyList<string> NotSynced { get; }

    /// <summary>Runs informers and workers until cancelled; stops the workers at once on cancellation.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Raised when an object's Ready condition changes status, or the object goes away.</summary>
    event Action<ICustomResource>? ReadinessChanged;

    /// <summary>The latest copy of every watched object (empty while not running).</summary>
    IEnumerable<ICustomResource> Cached { get; }

    /// <summary>The cached object of that key, or null.</summary>
    ICustomResource? Find(ObjectKey key);

    /// <summary>Reconciles the object soon (ignored while not running).</summary>
    void Enqueue(ObjectKey key);
}

/// <summary>
/// One kind's controller: informers (one per watched namespace, or one for all) feed keys to a
/// work queue; <see cref="RuntimeOptions.Parallelism"/> workers take keys and run the shared
/// reconcile skeleton; each successful reconcile schedules the object's next periodic resync,
/// with jitter, in the queue's low lane.
/// </summary>
public sealed partial class Controller<T>(
    IKubernetes client, IReconciler<T> reconciler, RuntimeOptions options, OperatorMetrics metrics, EventRecorder events, ILogger logger, TimeProvider? time = null)
    : IController
    where T : class, ICustomResource
{
    private readonly EntityInfo _info = EntityInfo.Of<T>();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private volatile Informer<T>[] _informers = [];
    private volatile WorkQueue<ObjectKey>? _queue;
    private volatile TaskCompletionSource? _firstReconciled;

    /// <summary>How often a worker looks whether the caches have synced, before its first reconcile.</summary>
    private static readonly TimeSpan s_syncPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Whether the caches the reconciles read have all listed; set by the runtime to every registered
    /// controller's (reconcilers read other kinds too); unset, this controller's own.
    /// </summary>
    internal Func<bool>? CachesSynced { get; set; }

    public event Action<ICustomResource>? ReadinessChanged;

    public string Name => _info.ControllerName;

    public IEnumerable<ICustomResource> Cached => _informers.SelectMany(i => i.Cache.Values);

    public ICustomResource? Find(ObjectKey key)
    {
        foreach (var informer in _informers)
        {
            if (informer.Cache.TryGetValue(key, out var entity))
            {
                return entity;
            }
        }

        return null;
    }

    public void Enqueue(ObjectKey key) => _queue?.Add(key);

    public bool HasSynced => _informers is { Length: > 0 } informers && informers.All(i => i.HasSynced);

    public IReadOnlyList<string> NotSynced => _informers is { Length: > 0 } informers
        ? [.. informers.Select(i => i.NotSyncedReason).OfType<string>()]
        : [$"{_info.Kind}: not started"];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var queue = new WorkQueue<ObjectKey>(options.Queue, _time, metrics.ForQueue(Name));
        var scheduler = new DelayedScheduler<ObjectKey>(queue, _time);
        var loop = new ReconcileLoop<T>(new EntityClient<T>(client), reconciler, events, metrics, logger, _time, key => Find(key) as T);
        string?[] scopes = options.Namespaces.Count > 0 ? [.. options.Namespaces] : [null];
        var informers = scopes
            .Select(ns => new Informer<T>(new CustomObjectListWatcher<T>(client, ns), e =>
            {
                OnChange(e, queue, scheduler);
                if (ReadinessFlipped(e))
                {
                    ReadinessChanged?.Invoke(e.Object);
                }
            }, logger, options.Informer, _time, metrics.ForInformer(Name), skipped => ReportUnreadable(events, skipped)))
            .ToArray();
        _informers = informers;
        _queue = queue;
        metrics.MaxConcurrentReconciles.WithLabels(Name).Set(options.Parallelism);
        LogStarting(Name, options.Parallelism, options.Namespaces.Count > 0 ? string.Join(',', options.Namespaces) : "all namespaces");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The first worker reconciles alone until its first reconcile ends (RuntimeOptions.FirstReconcileAlone).
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _firstReconciled = first;
        var tasks = informers.Select(i => Observe(i.RunAsync(stop.Token), $"the informer of {i.Name}", stop.Token))
            .Append(Observe(scheduler.RunAsync(stop.Token), "the resync scheduler", stop.Token))
            .Concat(Enumerable.Range(0, options.Parallelism).Select(i => Observe(WorkAsync(queue, scheduler, loop, i == 0 ? null : first.Task, stop.Token), "a worker", stop.Token)))
            .ToList();
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: leadership lost or the process is shutting down.
        }

        queue.ShutDown();
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Workers cancelled mid-reconcile: their keys are reconciled again by the next leader.
        }

        _informers = [];
        _queue = null;
        LogStopped(Name);
    }

    // Runs inside the informer: it only decides whether the change needs a reconcile, and enqueues.
    private static void OnChange(InformerEvent<T> change, WorkQueue<ObjectKey> queue, DelayedScheduler<ObjectKey> scheduler)
    {
        var key = ObjectKey.Of(change.Object);
        switch (change.Type)
        {
            case WatchEventType.Deleted:
                scheduler.Cancel(key);
                break;
            case WatchEventType.Added:
                // A new object (or every object at start) waits behind those already in flight,
                // whose requeues take the high lane: the first objects finish in seconds.
                queue.Add(key, QueuePriority.Low);
                break;
            case WatchEventType.Modified when NeedsReconcile(change.Old, change.Object):
                queue.Add(key);
                break;
        }
    }

    // A change of spec (generation), of annotations (pause, reconcile-now) or a deletion needs a
    // reconcile; the operator's own status and finalizer writes do not, so they cause no loop.
    internal static bool NeedsReconcile(T? old, T current)
    {
        if (old is null)
        {
            return true;
        }

        var (before, after) = (old.Metadata, current.Metadata);
        return before.Generation != after.Generation
            || before.DeletionTimestamp != after.DeletionTimestamp
            || !SameAnnotations(before.Annotations, after.Annotations);
    }

    private static bool ReadinessFlipped(InformerEvent<T> change) =>
        change.Type == WatchEventType.Deleted || Ready(change.Old) != Ready(change.Object);

    private static ConditionStatus? Ready(T? entity) =>
        entity?.CommonStatus.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status;

    private static bool SameAnnotations(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value));

    private async Task WorkAsync(WorkQueue<ObjectKey> queue, DelayedScheduler<ObjectKey> scheduler, ReconcileLoop<T> loop, Task? firstReconciled, CancellationToken cancellationToken)
    {
        // Reconciles read references and usage through the informer caches (CachedNamespaceView); a
        // kind not listed yet is read from the API server instead: a whole list of it, as JSON, per
        // reconcile and per worker (10,000 objects: the resident set went from 210 to 755 MiB within
        // 30 s). So, as controller-runtime does, no reconcile starts before every cache has listed;
        // keys are queued meanwhile.
        while (!(CachesSynced?.Invoke() ?? HasSynced))
        {
            await Task.Delay(s_syncPoll, cancellationToken).ConfigureAwait(false);
        }

        if (firstReconciled is not null && options.FirstReconcileAlone > TimeSpan.Zero)
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(firstReconciled, Task.Delay(options.FirstReconcileAlone, _time, waiting.Token)).ConfigureAwait(false);
            await waiting.CancelAsync().ConfigureAwait(false);
        }

        while (true)
        {
            var (ok, key) = await queue.GetAsync(cancellationToken).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }

            metrics.ActiveWorkers.WithLabels(Name).Inc();
            var started = _time.GetTimestamp();
            var result = "success";
            using var scope = logger.BeginScope(new ReconcileScope(Name, key));
            try
            {
                var step = await loop.ProcessAsync(key, cancellationToken).ConfigureAwait(false);
                queue.Forget(key);
                switch (step.Outcome)
                {
                    case ReconcileOutcome.Done:
                        scheduler.Schedule(key, Jittered(options.ResyncPeriod), QueuePriority.Low);
                        break;
                    case ReconcileOutcome.RequeueAfter:
                        scheduler.Schedule(key, step.RequeueAfter!.Value, QueuePriority.High);
                        result = "requeue_after";
                        break;
                    case ReconcileOutcome.Unreadable:
                        scheduler.Cancel(key);
                        result = "unreadable";
                        break;
                    default:
                        scheduler.Cancel(key);
                        break;
                }
            }
            catch (ConflictException)
            {
                // The object changed since it was read: look again at once, with the new version (read
                // from the API server: the loop does not trust the cached version it failed to replace).
                result = "requeue";
                queue.Add(key);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = "cancelled";
            }
            catch (Exception e)
            {
                result = "error";
                metrics.ReconcileErrors.WithLabels(Name).Inc();
                LogFailed(e, queue.Failures(key) + 1);
                queue.AddRateLimited(key);
            }
            finally
            {
                var elapsed = _time.GetElapsedTime(started).TotalSeconds;
                metrics.ReconcileTotal.WithLabels(Name, result).Inc();
                metrics.RecordReconcile();
                metrics.ReconcileTime.WithLabels(Name).Observe(elapsed);
                metrics.WorkDuration.WithLabels(Name).Observe(elapsed);
                metrics.ActiveWorkers.WithLabels(Name).Dec();
                queue.Done(key);
                _firstReconciled?.TrySetResult();
            }
        }
    }

    // The object key on every log line of a reconcile: structured fields, and "vlan ns/name" as text.
    private sealed class ReconcileScope(string controller, ObjectKey key) : IReadOnlyList<KeyValuePair<string, object>>
    {
        private readonly KeyValuePair<string, object>[] _fields =
        [
            new("controller", controller),
            new("namespace", key.Namespace),
            new("name", key.Name),
        ];

        public int Count => _fields.Length;

        public KeyValuePair<string, object> this[int index] => _fields[index];

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_fields).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _fields.GetEnumerator();

        public override string ToString() => $"{controller} {key}";
    }

    // A Warning event on the object the informer skipped, found by its raw metadata.
    private static void ReportUnreadable(EventRecorder events, UndecodableObject skipped)
    {
        if (skipped.Key is null || skipped.Reference.NamespaceProperty is null)
        {
            return;
        }

        events.For(skipped.Reference).Publish(warning: true, "DecodeFailed", "Read",
            $"The operator cannot read this {skipped.Reference.Kind} at {skipped.Path} ({skipped.Error}), so it leaves it alone; "
            + "the other objects are not affected. Correct that field: the object is reconciled again as soon as it can be read.");
    }

    // Informers, workers and the scheduler run until stopped and handle their own failures; one that
    // ends any other way is a bug, which is logged at once rather than found at shutdown.
    private async Task Observe(Task task, string what, CancellationToken stopping)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            LogTaskFailed(e, what, Name);
            throw;
        }

        if (!stopping.IsCancellationRequested)
        {
            LogTaskEnded(what, Name);
        }
    }

    private static TimeSpan Jittered(TimeSpan period) => period * (0.9 + (Random.Shared.NextDouble() * 0.2));

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting controller {Controller} with {Workers} workers on {Scope}")]
    private partial void LogStarting(string controller, int workers, string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped controller {Controller}")]
    private partial void LogStopped(string controller);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{What} of controller {Controller} failed and no longer runs")]
    private partial void LogTaskFailed(Exception exception, string what, string controller);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{What} of controller {Controller} ended before the controller was stopped")]
    private partial void LogTaskEnded(string what, string controller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile failed (attempt {Attempt}); retrying with backoff")]
    private partial void LogFailed(Exception exception, int attempt);
}

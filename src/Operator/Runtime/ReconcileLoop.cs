using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Runtime;

/// <summary>How processing a key ended, for the controller's queue and metrics.</summary>
public enum ReconcileOutcome
{
    /// <summary>The object does not exist (any more).</summary>
    Gone,

    /// <summary>Reconciled; resync later.</summary>
    Done,

    /// <summary>Look again after a delay.</summary>
    RequeueAfter,

    /// <summary>Paused by annotation: nothing happens until the annotation changes.</summary>
    Paused,

    /// <summary>Deleted: the finalizer was removed, or was never there.</summary>
    Finalized,

    /// <summary>
    /// The object cannot be read as its kind: not retried, since only a change of the object can help;
    /// its informer reports it and enqueues it again once a version of it can be read.
    /// </summary>
    Unreadable,
}

/// <summary>How processing a key ended, and when to look again if it asked to.</summary>
public readonly record struct ReconcileStep(ReconcileOutcome Outcome, TimeSpan? RequeueAfter = null);

/// <summary>
/// The reconcile skeleton every kind shares, level-triggered and idempotent: take the object from
/// the informer's cache (read from the API server only when the cache does not have it, or still
/// shows a version this loop has itself superseded by a write: a decision is never taken on a status
/// older than the last one written); gone → done; being deleted → the finalizer path (the finalizer goes only once the platform
/// side is handled, at once when nothing was ever created, the policy is Orphan or the object is
/// only observed); paused → say so and make no platform call; otherwise add the finalizer before
/// anything else, call the reconciler, acknowledge reconcile-requested-at, and write the status
/// with a patch to /status — only when it changed, and on condition that the object did not change
/// meanwhile (a <see cref="ConflictException"/> otherwise).
/// </summary>
public sealed partial class ReconcileLoop<T>(
    EntityClient<T> client, IReconciler<T> reconciler, EventRecorder events, OperatorMetrics metrics, ILogger logger, TimeProvider? time = null, Func<ObjectKey, T?>? cache = null)
    where T : class, ICustomResource
{
    /// <summary>Condition type set while the paused annotation is "true".</summary>
    public const string Paused = "Paused";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Per object, the resourceVersions this loop replaced by its own writes, until the cache shows a later one.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ObjectKey, HashSet<string>> _superseded = new();

    /// <summary>Processes one key; safe to call from several workers for different keys.</summary>
    public async Task<ReconcileStep> ProcessAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        T? entity;
        try
        {
            entity = Cached(key) ?? await client.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (UndecodableObjectException)
        {
            return new(ReconcileOutcome.Unreadable);
        }

        if (entity is null)
        {
            _superseded.TryRemove(key, out _);
        }

        if (entity is null)
        {
            return new(ReconcileOutcome.Gone);
        }

        var metadata = entity.Metadata;
        var paused = metadata.Annotations?.TryGetValue(ApiGroup.PausedAnnotation, out var p) == true && p == "true";
        var hasFinalizer = metadata.Finalizers?.Contains(ApiGroup.Finalizer) == true;

        if (metadata.DeletionTimestamp is not null)
        {
            return hasFinalizer ? await FinalizeAsync(entity, paused, cancellationToken).ConfigureAwait(false) : new(ReconcileOutcome.Finalized);
        }

        if (paused)
        {
            var statusAsRead = StatusDocument.Of(entity);
            var pausedConditions = Conditions(entity);
            pausedConditions.Set(Paused, ConditionStatus.True, "PausedByAnnotation",
                $"Reconciliation is paused by the annotation {ApiGroup.PausedAnnotation}: the platform is neither read nor written.");
            if (pausedConditions.Changed)
            {
                LogPaused();
            }

            await SaveAsync(entity, new StatusBaseline(statusAsRead), cancellationToken).ConfigureAwait(false);
            return new(ReconcileOutcome.Paused);
        }

        if (!hasFinalizer)
        {
            Supersede(entity);
            entity = await client.PatchFinalizersAsync(entity, [.. metadata.Finalizers ?? [], ApiGroup.Finalizer], cancellationToken).ConfigureAwait(false);
        }

        var baseline = new StatusBaseline(StatusDocument.Of(entity));
        var conditions = Conditions(entity);
        conditions.Remove(Paused);
        var readyBefore = conditions[ConditionTypes.Ready]?.Status;
        // A save in the middle of the pass (before a create, say) carries what the pass's own end
        // would write, so that the end finds nothing left to write.
        var sink = new PassEvents(events.For(entity));
        var context = new ReconcileContext<T>(entity, conditions, sink,
            token => SaveAsync(Handled(entity, conditions), baseline, token));
        ReconcileResult result;
        try
        {
            result = await reconciler.ReconcileAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not ConflictException)
        {
            conditions.Set(ConditionTypes.Synced, ConditionStatus.False, "ReconcileError", e.Message);
            await SaveAsync(entity, baseline, cancellationToken).ConfigureAwait(false);
            throw;
        }

        if (result.Unrecorded)
        {
            return new(ReconcileOutcome.RequeueAfter, result.RequeueAfter ?? TimeSpan.Zero);
        }

        await SaveAsync(Handled(entity, conditions), baseline, cancellationToken).ConfigureAwait(false);
        ReportTransition(context, readyBefore, sink.Published);
        return result.RequeueAfter is { } after ? new(ReconcileOutcome.RequeueAfter, after) : new(ReconcileOutcome.Done);
    }

    private async Task<ReconcileStep> FinalizeAsync(T entity, bool paused, CancellationToken cancellationToken)
    {
        var baseline = new StatusBaseline(StatusDocument.Of(entity));
        var conditions = Conditions(entity);
        if (paused)
        {
            conditions.Set(Paused, ConditionStatus.True, "PausedByAnnotation",
                $"Deletion waits: reconciliation is paused by the annotation {ApiGroup.PausedAnnotation}, so the platform resource is neither read nor deleted.");
            await SaveAsync(entity, baseline, cancellationToken).ConfigureAwait(false);
            return new(ReconcileOutcome.Paused);
        }

        var spec = entity.CommonSpec;
        var status = entity.CommonStatus;
        // Nothing was created: no id, no operation, and no intent to create saved (whose answer may have been lost).
        var nothingOnThePlatform = status.ExternalId is null && status.ActivityId is null && status.CreatePendingSince is null;
        if (!(nothingOnThePlatform || spec.DeletionPolicy == DeletionPolicy.Orphan || spec.ManagementPolicy == ManagementPolicy.Observe))
        {
            var context = new ReconcileContext<T>(entity, conditions, events.For(entity), token => SaveAsync(entity, baseline, token));
            var result = await reconciler.FinalizeAsync(context, cancellationToken).ConfigureAwait(false);
            if (!result.IsDone)
            {
                conditions.MarkReconciling(result.Reason, result.Message);
                await SaveAsync(entity, baseline, cancellationToken).ConfigureAwait(false);
                return new(ReconcileOutcome.RequeueAfter, result.RetryAfter);
            }
        }

        Supersede(entity);
        await client.PatchFinalizersAsync(entity, [.. entity.Metadata.Finalizers.Where(f => f != ApiGroup.Finalizer)], cancellationToken).ConfigureAwait(false);
        LogFinalized(nothingOnThePlatform ? "nothing was created on the platform" : spec.DeletionPolicy == DeletionPolicy.Orphan ? "deletion policy Orphan" : spec.ManagementPolicy == ManagementPolicy.Observe ? "observed only" : "the platform side is handled");
        return new(ReconcileOutcome.Finalized);
    }

    // A copy of the cached object (the reconciler changes its status), or null when the cache does not
    // have it or shows a version this loop has itself replaced since: then the API server is asked.
    private T? Cached(ObjectKey key)
    {
        if (cache?.Invoke(key) is not { } cached)
        {
            return null;
        }

        if (_superseded.TryGetValue(key, out var superseded))
        {
            lock (superseded)
            {
                if (superseded.Contains(cached.Metadata.ResourceVersion))
                {
                    return null;
                }
            }

            _superseded.TryRemove(key, out _);
        }

        return k8s.KubernetesJson.Deserialize<T>(k8s.KubernetesJson.Serialize(cached));
    }

    // Called just before a write: the version read is about to be replaced.
    private void Supersede(T entity)
    {
        var superseded = _superseded.GetOrAdd(ObjectKey.Of(entity), _ => []);
        lock (superseded)
        {
            superseded.Add(entity.Metadata.ResourceVersion);
        }
    }

    // What a pass that went through records: the generation it handled, Synced, the reconcile request it answered.
    private static T Handled(T entity, ConditionSet conditions)
    {
        var metadata = entity.Metadata;
        var status = entity.CommonStatus;
        status.ObservedGeneration = metadata.Generation;
        conditions.Set(ConditionTypes.Synced, ConditionStatus.True, "ReconcileSuccess", "The last reconcile succeeded.");
        if (metadata.Annotations?.TryGetValue(ApiGroup.ReconcileRequestedAtAnnotation, out var requestedAt) == true)
        {
            status.LastHandledReconcileAt = requestedAt;
        }

        return entity;
    }

    private ConditionSet Conditions(T entity) =>
        new(entity.CommonStatus.Conditions, entity.Metadata.Generation ?? 0, _time);

    // Writes the status if it differs from the baseline; the baseline and the object's
    // resourceVersion then follow the write, so that a later save in the same reconcile patches
    // from there and is still conditioned on nobody else having written meanwhile.
    private async Task SaveAsync(T entity, StatusBaseline baseline, CancellationToken cancellationToken)
    {
        var current = StatusDocument.Of(entity);
        if (JsonNode.DeepEquals(baseline.Status, current))
        {
            return;
        }

        Supersede(entity);
        var written = await client.PatchStatusAsync(entity, baseline.Status, cancellationToken).ConfigureAwait(false);
        entity.Metadata.ResourceVersion = written.Metadata.ResourceVersion;
        baseline.Status = current;
        metrics.StatusWrites.WithLabels(client.Info.ControllerName).Inc();
    }

    private sealed class StatusBaseline(JsonObject status)
    {
        public JsonObject Status { get; set; } = status;
    }

    // One log line per change of Ready. Events are the actions' own (Creating, Updating, a refusal):
    // a change of Ready is published only when it lands in Stalled and the pass said nothing of it,
    // so that a problem a person must act on always has its Warning, and nothing is said twice.
    private void ReportTransition(ReconcileContext<T> context, ConditionStatus? readyBefore, bool published)
    {
        var ready = context.Conditions[ConditionTypes.Ready];
        if (ready is null || ready.Status == readyBefore)
        {
            return;
        }

        LogReady(ready.Status, ready.Reason, ready.Message);
        if (!published && context.Conditions[ConditionTypes.Stalled]?.Status == ConditionStatus.True)
        {
            context.Events.Publish(warning: true, ready.Reason, "Reconcile", ready.Message);
        }
    }

    // The events of one pass, and whether it published any.
    private sealed class PassEvents(IEventSink inner) : IEventSink
    {
        public bool Published { get; private set; }

        public void Publish(bool warning, string reason, string action, string note)
        {
            Published = true;
            inner.Publish(warning, reason, action, note);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ready is {Status} ({Reason}): {Message}")]
    private partial void LogReady(ConditionStatus status, string reason, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paused by annotation: no platform call until it is removed")]
    private partial void LogPaused();

    [LoggerMessage(Level = LogLevel.Information, Message = "Finalizer removed: {Why}")]
    private partial void LogFinalized(string why);
}

using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// The logic of one kind. The runtime's shared skeleton (<see cref="ReconcileLoop{T}"/>) has already
/// re-read the object, handled pause, and added the finalizer; the reconciler observes the platform,
/// compares, acts, and sets the status and conditions on <see cref="ReconcileContext{T}.Entity"/>.
/// The runtime writes the status, only when it changed.
/// </summary>
public interface IReconciler<T>
    where T : class, ICustomResource
{
    /// <summary>Brings the platform in line with the spec, or reports why it cannot.</summary>
    Task<ReconcileResult> ReconcileAsync(ReconcileContext<T> context, CancellationToken cancellationToken);

    /// <summary>
    /// Handles the platform side of a deletion. Called only when something may exist on the
    /// platform and the deletion policy is Delete in Manage mode; the finalizer is removed when
    /// this returns <see cref="FinalizeResult.Done"/>.
    /// </summary>
    Task<FinalizeResult> FinalizeAsync(ReconcileContext<T> context, CancellationToken cancellationToken);
}

/// <summary>What the runtime gives a reconciler for one object.</summary>
public sealed class ReconcileContext<T>(T entity, ConditionSet conditions, IEventSink events, Func<CancellationToken, Task>? saveStatus = null)
    where T : class, ICustomResource
{
    /// <summary>
    /// Writes the status now, if it changed, instead of at the end of the reconcile: for what must
    /// be durable before a platform call (an intent to create) or right after it (an activity id).
    /// </summary>
    public Task SaveStatusAsync(CancellationToken cancellationToken) => saveStatus?.Invoke(cancellationToken) ?? Task.CompletedTask;

    /// <summary>The object, freshly read. Change its status only.</summary>
    public T Entity { get; } = entity;

    /// <summary>The object's conditions, for this generation.</summary>
    public ConditionSet Conditions { get; } = conditions;

    /// <summary>Events about the object.</summary>
    public IEventSink Events { get; } = events;

    public ObjectKey Key => ObjectKey.Of(Entity);
}

/// <summary>How a reconcile ended.</summary>
public sealed record ReconcileResult
{
    /// <summary>Done: the object comes back at the next periodic resync, or when it changes.</summary>
    public static ReconcileResult Done { get; } = new();

    /// <summary>Look again after <see cref="RequeueAfter"/> (e.g. a platform operation in flight).</summary>
    public TimeSpan? RequeueAfter { get; init; }

    public static ReconcileResult After(TimeSpan delay) => new() { RequeueAfter = delay };

    /// <summary>
    /// Nothing of this pass is written to the status (not even observedGeneration): the object has
    /// nothing to say yet, e.g. a new object whose references are still being created.
    /// </summary>
    public bool Unrecorded { get; init; }

    /// <summary>Look again after <paramref name="delay"/>, writing nothing now.</summary>
    public static ReconcileResult Quietly(TimeSpan delay) => new() { RequeueAfter = delay, Unrecorded = true };
}

/// <summary>How the platform side of a deletion stands.</summary>
public sealed record FinalizeResult
{
    /// <summary>The platform side is handled: the finalizer can go.</summary>
    public static FinalizeResult Done { get; } = new() { IsDone = true };

    /// <summary>Whether the finalizer can be removed.</summary>
    public bool IsDone { get; private init; }

    /// <summary>Why the deletion waits, in CamelCase (e.g. InUse).</summary>
    public string Reason { get; private init; } = string.Empty;

    /// <summary>What the deletion waits for, as a sentence (e.g. which objects still use it).</summary>
    public string Message { get; private init; } = string.Empty;

    /// <summary>When to look again.</summary>
    public TimeSpan RetryAfter { get; private init; }

    /// <summary>The deletion waits; the reason and message go to the object's conditions.</summary>
    public static FinalizeResult Wait(string reason, string message, TimeSpan retryAfter) =>
        new() { Reason = reason, Message = message, RetryAfter = retryAfter };
}

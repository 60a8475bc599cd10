namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>Polling and timing of the managed-resource lifecycle.</summary>
public sealed record ReconcilerOptions
{
    /// <summary>How soon an operation in flight is looked at again, at most (see <see cref="FirstPollInterval"/>).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How soon an operation just accepted is looked at first; each further look waits twice as
    /// long, up to <see cref="PollInterval"/>: short operations are seen done at once, long ones
    /// cost no more polls than before.
    /// </summary>
    public TimeSpan FirstPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How soon an object whose deletion waits for a manual order (the platform's public API cannot
    /// delete it) looks again whether it is gone.
    /// </summary>
    public TimeSpan ManualOrderPollInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How soon an object waiting for its references looks again by itself; it is woken at once
    /// when a reference becomes Ready (OperatorRuntime.AddReferences), so this is only a fallback.
    /// </summary>
    public TimeSpan ReferencePollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a new object (no Ready condition yet) waits for references being created without
    /// writing its status: applied together, a Cpool and the volumes on it need not each write
    /// "waiting" first. Past it, once the object has said anything, or when a reference does not
    /// exist at all, WaitingForReferences is written.
    /// </summary>
    public TimeSpan QuietReferenceWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of the objects' ages.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>
/// A personal access token of the platform (the keys <c>id</c> and <c>secret</c> of a Secret), and
/// optionally the platform's address. <see cref="ToString"/> never shows the token.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Secret">The token secret.</param>
/// <param name="BaseUrl">The platform's base address; null for the configured default.</param>
public sealed record PlatformCredentials(string Id, string Secret, Uri? BaseUrl = null)
{
    /// <summary>Shows only the address: the token is never printed.</summary>
    public override string ToString() => $"PlatformCredentials {{ BaseUrl = {BaseUrl?.ToString() ?? "default"} }}";
}

/// <summary>
/// A write the platform accepted: its activity, to persist (<c>status.activityId</c>) before waiting,
/// and the resource concerned (the new resource's id for a create), when the answer names it.
/// </summary>
/// <param name="ActivityId">The platform activity.</param>
/// <param name="ResourceId">The resource concerned, when known.</param>
public sealed record PlatformOperation(string ActivityId, string? ResourceId);

/// <summary>Where an activity stands. See <see cref="ActivityWaiting"/>, <see cref="ActivityRunning"/>, <see cref="ActivityCompleted"/>, <see cref="ActivityFailed"/>.</summary>
public abstract record ActivityState
{
    /// <summary>Whether the activity is over (completed or failed).</summary>
    public abstract bool IsTerminal { get; }
}

/// <summary>The activity is queued (or the platform does not show it yet, just after the write).</summary>
public sealed record ActivityWaiting : ActivityState
{
    /// <inheritdoc/>
    public override bool IsTerminal => false;
}

/// <summary>The activity is running.</summary>
/// <param name="Progress">Its progression, 0–100.</param>
/// <param name="Status">The platform's description of the step, if any.</param>
public sealed record ActivityRunning(int Progress, string? Status) : ActivityState
{
    /// <inheritdoc/>
    public override bool IsTerminal => false;
}

/// <summary>The activity succeeded.</summary>
/// <param name="ResultId">Its result: the new resource's id for a create.</param>
public sealed record ActivityCompleted(string? ResultId) : ActivityState
{
    /// <inheritdoc/>
    public override bool IsTerminal => true;
}

/// <summary>The activity failed.</summary>
/// <param name="Reason">The platform's reason.</param>
/// <param name="Transient">Whether the reason is a known transient one (the write may be sent again).</param>
public sealed record ActivityFailed(string Reason, bool Transient) : ActivityState
{
    /// <summary>Reasons the platform is known to give for transient errors (cloud-temple-api.md).</summary>
    public static IReadOnlyList<string> TransientReasons { get; } =
    [
        "None of the workers were able to respond",
        "Failed to load configuration via API",
    ];

    /// <inheritdoc/>
    public override bool IsTerminal => true;

    /// <summary>Whether a failure reason is one of <see cref="TransientReasons"/>.</summary>
    public static bool IsTransientReason(string? reason) =>
        reason is not null && TransientReasons.Any(r => reason.Contains(r, StringComparison.OrdinalIgnoreCase));
}

/// <summary>Where a platform resource stands in its own life cycle.</summary>
public enum ResourceState
{
    /// <summary>The creating activity is still running; the id is already visible.</summary>
    Creating,

    /// <summary>Created.</summary>
    Ready,

    /// <summary>The deleting activity is running.</summary>
    Deleting,
}

/// <summary>A billing line: what a resource consumes (X3).</summary>
/// <param name="Sku">The catalog SKU.</param>
/// <param name="Quantity">How many units.</param>
/// <param name="Unit">The unit.</param>
public sealed record BillingItem(string Sku, decimal Quantity, BillingUnit Unit);

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>The state of an asynchronous platform operation (an "activity" of the real API).</summary>
public enum OperationState
{
    /// <summary>Accepted, not started yet.</summary>
    Waiting,

    /// <summary>In progress; see the progression.</summary>
    Running,

    /// <summary>Done; the result is the concerned resource's id.</summary>
    Completed,

    /// <summary>Stopped; the reason says why. Nothing of it remains on the platform.</summary>
    Failed,
}

/// <summary>The resource an operation works on, visible as soon as the write returns.</summary>
/// <param name="Type">The resource kind, e.g. "cpool".</param>
/// <param name="Id">The resource's platform id.</param>
public sealed record ConcernedItem(string Type, string Id);

/// <summary>A snapshot of one asynchronous operation.</summary>
/// <param name="Id">The operation id, returned by the write.</param>
/// <param name="Description">What the operation does, e.g. "Create Cpool prod".</param>
/// <param name="ConcernedItem">The resource it creates or changes.</param>
/// <param name="State">Waiting, running, completed or failed.</param>
/// <param name="Progression">0–100 while running; 100 once completed; null while waiting.</param>
/// <param name="CreatedAt">When the write was accepted.</param>
/// <param name="StartDate">When it started running.</param>
/// <param name="StopDate">When it completed or failed.</param>
/// <param name="Result">On completion, the concerned resource's id.</param>
/// <param name="Reason">On failure, why.</param>
/// <param name="TenantId">The tenant that owns the concerned resource, if known.</param>
public sealed record PlatformOperation(
    string Id,
    string Description,
    ConcernedItem ConcernedItem,
    OperationState State,
    int? Progression,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartDate,
    DateTimeOffset? StopDate,
    string? Result,
    string? Reason,
    string? TenantId = null);

/// <summary>What a write returns at once: the operation to poll and the resource it concerns.</summary>
/// <param name="OperationId">The operation to poll.</param>
/// <param name="ResourceId">The concerned resource's id, already visible.</param>
public sealed record Accepted(string OperationId, string ResourceId);

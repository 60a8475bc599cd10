using CloudTemple.Operator.Platform;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// What one look at the platform says of the resource an object stands for — it exists (a null
/// observation says it does not): its id, whether the platform is still working on it, whether it
/// can become what the spec asks in place, whether the platform reports it failed, and which fields
/// of the spec the platform does not show. <see cref="ExternalClient{T, TResource}.Report"/> fills
/// the kind's status from <see cref="Resource"/>.
/// </summary>
/// <typeparam name="TResource">What the kind reads on the platform.</typeparam>
/// <param name="Resource">What the platform showed.</param>
/// <param name="Id">The platform id.</param>
public sealed record Observation<TResource>(TResource Resource, string Id)
{
    /// <summary>The platform is still creating or changing the resource: nothing is sent, and it is looked at again.</summary>
    public bool Busy { get; init; }

    /// <summary>
    /// What the spec asks that the resource cannot become in place (an immutable field, or an adopted
    /// resource that differs), as a sentence naming the field and the rule; null when nothing. The
    /// object stalls, and nothing is sent.
    /// </summary>
    public string? CannotChangeInPlace { get; init; }

    /// <summary>The platform reports the resource failed for good (e.g. a refused service request): the object stalls with it.</summary>
    public Verdict? Failed { get; init; }

    /// <summary>The fields of the spec (or status) the platform does not show: Ready cannot vouch for them, and its message names them.</summary>
    public IReadOnlyList<string> NotShown { get; init; } = [];
}

/// <summary>A reason and a sentence for a condition.</summary>
public sealed record Verdict(string Reason, string Message);

/// <summary>
/// One write that brings the resource closer to the spec, planned by the kind's client and sent by
/// the lifecycle: one per pass, the first of the plan that the platform takes.
/// </summary>
/// <param name="Action">What is done, in CamelCase: the event's reason and action (e.g. Failover).</param>
/// <param name="Message">The sentence of the event, without the activity (the lifecycle adds it).</param>
/// <param name="SendAsync">Sends the write; returns as soon as the platform accepted it.</param>
public sealed record Change(string Action, string Message, Func<CancellationToken, Task<PlatformOperation>> SendAsync)
{
    /// <summary>The platform's public API cannot make this change: the order to place. The lifecycle then sends nothing and stalls ManualOrderRequired.</summary>
    public string? ManualOrder { get; init; }

    /// <summary>
    /// A sub-operation on one item (a VM's assignment or encryption): when the platform refuses it,
    /// this records the refusal (its message) and the lifecycle tries the next change, rather than
    /// stalling the whole object. Null: a refusal stalls the object.
    /// </summary>
    public Action<string>? OnRefused { get; init; }

    /// <summary>The operator will not send this change (e.g. unmounting a datastore under running VMs): the object stalls with this, and a Warning event says it.</summary>
    public Verdict? Refused { get; init; }

    /// <summary>Whether the event is a warning (a failover, say).</summary>
    public bool Warning { get; init; }
}

/// <summary>What must happen on the platform before the resource may be deleted.</summary>
public sealed record BeforeDelete
{
    /// <summary>Nothing: delete.</summary>
    public static BeforeDelete Proceed { get; } = new();

    /// <summary>A write to send first (e.g. decrypt a VM the provider still encrypts).</summary>
    public Change? Step { get; private init; }

    /// <summary>Why the deletion waits for a change outside the operator, or null.</summary>
    public Verdict? Wait { get; private init; }

    /// <summary>Send <paramref name="step"/>, wait for it, and look again.</summary>
    public static BeforeDelete First(Change step) => new() { Step = step };

    /// <summary>The deletion waits until <paramref name="reason"/> no longer holds.</summary>
    public static BeforeDelete WaitFor(string reason, string message) => new() { Wait = new Verdict(reason, message) };
}

/// <summary>What a platform's public API can do for one kind.</summary>
[Flags]
public enum Capabilities
{
    /// <summary>Nothing: every step is a manual order.</summary>
    None = 0,

    /// <summary>Read the resource by id, and find it by name.</summary>
    Observe = 1,

    /// <summary>Create it.</summary>
    Create = 2,

    /// <summary>Delete it.</summary>
    Delete = 4,

    /// <summary>Everything (the simulated platform).</summary>
    All = Observe | Create | Delete,
}

using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>How a pass of the lifecycle ended, as a value: what the conditions say, and when to look again.</summary>
public sealed record Outcome
{
    private Outcome(OutcomeKind kind, string reason, string message)
    {
        Kind = kind;
        Reason = reason;
        Message = message;
    }

    /// <summary>Ready, Stalled or Reconciling.</summary>
    public OutcomeKind Kind { get; }

    /// <summary>The reason of the conditions.</summary>
    public string Reason { get; }

    /// <summary>The sentence of the conditions.</summary>
    public string Message { get; }

    /// <summary>When to look again; null: at the next periodic resync.</summary>
    public TimeSpan? After { get; private init; }

    /// <summary>Whether the pass writes nothing at all (<see cref="ReconcileResult.Unrecorded"/>).</summary>
    public bool Unrecorded { get; private init; }

    /// <summary>Whether a Warning event tells it too (a refusal, a manual order).</summary>
    public bool Warn { get; private init; }

    /// <summary>The platform matches the spec (or is observed).</summary>
    public static Outcome Ready(string reason, string message) => new(OutcomeKind.Ready, reason, message);

    /// <summary>No progress without a change of spec or outside help.</summary>
    public static Outcome Stalled(string reason, string message, bool warn = false) => new(OutcomeKind.Stalled, reason, message) { Warn = warn };

    /// <summary>The platform's public API cannot do it: the order to place; nothing was sent.</summary>
    public static Outcome ManualOrder(string order) => Stalled(Reasons.ManualOrderRequired, order, warn: true);

    /// <summary>Work in flight: look again after <paramref name="after"/>.</summary>
    public static Outcome Progressing(string reason, string message, TimeSpan after) => new(OutcomeKind.Reconciling, reason, message) { After = after };

    /// <summary>Nothing to say yet: look again after <paramref name="after"/>, writing nothing now.</summary>
    public static Outcome Quietly(string reason, string message, TimeSpan after) => new(OutcomeKind.Reconciling, reason, message) { After = after, Unrecorded = true };

    /// <summary>The answer to a write was lost: the next pass reads the platform before writing again.</summary>
    public static Outcome Unknown(string what, TimeSpan after) =>
        Progressing(Reasons.OutcomeUnknown, $"The platform's answer to {what} was lost; the operator reads the platform again before sending anything.", after);

    /// <summary>Writes the outcome to the object's conditions (and an event when it warns); returns when to look again.</summary>
    public ReconcileResult Apply<T>(ReconcileContext<T> context)
        where T : class, Entities.ICustomResource
    {
        if (Unrecorded)
        {
            return ReconcileResult.Quietly(After ?? TimeSpan.Zero);
        }

        Mark(context.Conditions);
        if (Warn)
        {
            context.Events.Publish(warning: true, Reason, "Reconcile", Message);
        }

        return After is { } after ? ReconcileResult.After(after) : ReconcileResult.Done;
    }

    /// <summary>
    /// Sets the three conditions as the outcome says, without an event: a step that saves the status
    /// before the pass ends marks its outcome first, so that the end of the pass has nothing more to write.
    /// </summary>
    public Outcome Mark(ConditionSet conditions)
    {
        switch (Kind)
        {
            case OutcomeKind.Ready:
                conditions.MarkReady(Reason, Message);
                break;
            case OutcomeKind.Stalled:
                conditions.MarkStalled(Reason, Message);
                break;
            default:
                conditions.MarkReconciling(Reason, Message);
                break;
        }

        return this;
    }
}

/// <summary>Which of the three kstatus conditions an outcome raises.</summary>
public enum OutcomeKind
{
    /// <summary>Ready True.</summary>
    Ready,

    /// <summary>Stalled True.</summary>
    Stalled,

    /// <summary>Reconciling True.</summary>
    Reconciling,
}

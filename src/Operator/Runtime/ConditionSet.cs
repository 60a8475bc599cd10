using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Runtime;

/// <summary>Condition types and reasons shared by every kind (docs/api.md, kstatus).</summary>
public static class ConditionTypes
{
    /// <summary>The platform matches the spec at observedGeneration.</summary>
    public const string Ready = "Ready";

    /// <summary>Work is in flight (kstatus "abnormal-true").</summary>
    public const string Reconciling = "Reconciling";

    /// <summary>No progress is possible without a change of spec or outside help (kstatus "abnormal-true").</summary>
    public const string Stalled = "Stalled";

    /// <summary>The last reconcile reached the platform and agreed with it.</summary>
    public const string Synced = "Synced";
}

/// <summary>
/// The conditions of one object, changed the way kstatus (and so Flux and Argo CD) reads them:
/// <c>Ready</c>, <c>Reconciling</c> and <c>Stalled</c> are always present and consistent with each
/// other; a condition's <c>lastTransitionTime</c> moves only when its status flips; every condition
/// carries the generation it describes. <see cref="Changed"/> tells whether anything differs from
/// what was read, so that status is written only when it changed.
/// </summary>
public sealed class ConditionSet(List<Condition> conditions, long generation, TimeProvider time)
{
    /// <summary>Whether any call changed the list.</summary>
    public bool Changed { get; private set; }

    /// <summary>The condition of a type, if present.</summary>
    public Condition? this[string type] => conditions.Find(c => c.Type == type);

    /// <summary>The platform matches the spec: Ready True, Reconciling and Stalled False.</summary>
    public void MarkReady(string reason, string message)
    {
        Set(ConditionTypes.Ready, ConditionStatus.True, reason, message);
        Set(ConditionTypes.Reconciling, ConditionStatus.False, reason, string.Empty);
        Set(ConditionTypes.Stalled, ConditionStatus.False, reason, string.Empty);
    }

    /// <summary>Work is in flight: Reconciling True, Ready False with the same reason, Stalled False.</summary>
    public void MarkReconciling(string reason, string message)
    {
        Set(ConditionTypes.Reconciling, ConditionStatus.True, reason, message);
        Set(ConditionTypes.Ready, ConditionStatus.False, reason, message);
        Set(ConditionTypes.Stalled, ConditionStatus.False, reason, string.Empty);
    }

    /// <summary>No progress is possible: Stalled True, Ready False with the same reason, Reconciling False.</summary>
    public void MarkStalled(string reason, string message)
    {
        Set(ConditionTypes.Stalled, ConditionStatus.True, reason, message);
        Set(ConditionTypes.Ready, ConditionStatus.False, reason, message);
        Set(ConditionTypes.Reconciling, ConditionStatus.False, reason, string.Empty);
    }

    /// <summary>
    /// Sets one condition. Its <c>lastTransitionTime</c> changes only when its status flips (or it
    /// is new); reason, message and observedGeneration are updated in place. A message longer than
    /// <see cref="BoundedText.ConditionMessageLength"/> is cut there, so that no status write is
    /// refused (and retried forever) for the length of a message.
    /// </summary>
    public void Set(string type, ConditionStatus status, string reason, string message)
    {
        message = message.Length > 0 ? BoundedText.Truncate(message, BoundedText.ConditionMessageLength) : DefaultMessage(type, status);
        var existing = this[type];
        if (existing is null)
        {
            conditions.Add(new Condition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = generation,
                LastTransitionTime = Now(),
            });
            Changed = true;
            return;
        }

        if (existing.Status == status && existing.Reason == reason && existing.Message == message && existing.ObservedGeneration == generation)
        {
            return;
        }

        if (existing.Status != status)
        {
            existing.LastTransitionTime = Now();
        }

        existing.Status = status;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = generation;
        Changed = true;
    }

    /// <summary>Removes a condition that no longer applies.</summary>
    public void Remove(string type) => Changed |= conditions.RemoveAll(c => c.Type == type) > 0;

    // A condition always says something in words. (The kube-apiserver 1.20 built by hack/control-plane.sh
    // also reads an empty string in a custom resource as null and refuses it.)
    private static string DefaultMessage(string type, ConditionStatus status) => (type, status) switch
    {
        (ConditionTypes.Reconciling, ConditionStatus.False) => "No work is in flight.",
        (ConditionTypes.Stalled, ConditionStatus.False) => "Nothing blocks progress.",
        (ConditionTypes.Synced, ConditionStatus.True) => "The last reconcile succeeded.",
        _ => $"{type} is {status}.",
    };

    // Kubernetes serialises times to the second; keeping that precision lets a status read back
    // compare equal to the one written.
    private DateTime Now()
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}

using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>
/// The simulated platform refused a request because it breaks a domain rule (docs/rules.md, layer P).
/// Nothing was created or changed.
/// </summary>
public sealed class PlatformRefusedException : Exception
{
    public PlatformRefusedException()
        : this("P", "The platform refused the request")
    {
    }

    public PlatformRefusedException(string message)
        : this("P", message)
    {
    }

    public PlatformRefusedException(string message, Exception innerException)
        : base(message, innerException) => Rule = "P";

    /// <summary>Refuses with a sentence stating the rule; the rule id is appended, e.g. "… (B11)".</summary>
    public PlatformRefusedException(string rule, string reason, IReadOnlyList<EncryptionBlocker>? blockers = null)
        : base($"{reason} ({rule})")
    {
        Rule = rule;
        Blockers = blockers ?? [];
    }

    /// <summary>The request conflicts with the resource's current state (HTTP 409) rather than being invalid (HTTP 400).</summary>
    public bool Conflict { get; init; }

    /// <summary>The id of the broken rule, e.g. "B11".</summary>
    public string Rule { get; }

    /// <summary>For a refused VM encryption, the unmet prerequisites of rule H4.</summary>
    public IReadOnlyList<EncryptionBlocker> Blockers { get; } = [];
}

/// <summary>The request names a resource the platform does not know (HTTP 404).</summary>
public sealed class PlatformNotFoundException : Exception
{
    public PlatformNotFoundException()
    {
    }

    public PlatformNotFoundException(string message)
        : base(message)
    {
    }

    public PlatformNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

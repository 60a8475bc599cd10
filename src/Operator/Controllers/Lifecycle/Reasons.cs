namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>The reasons and condition types the lifecycle sets, whatever the kind.</summary>
public static class Reasons
{
    /// <summary>Stalled: the platform's public API cannot do what the spec asks; the message gives the order to place, and nothing was sent.</summary>
    public const string ManualOrderRequired = "ManualOrderRequired";

    /// <summary>Stalled: the spec breaks a rule (the message names the field and the rule).</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>Stalled: the platform resource exists but cannot match the spec without a change outside the operator.</summary>
    public const string SpecNotMet = "SpecNotMet";

    /// <summary>Stalled: the spec asks for what the resource cannot become in place (an immutable field).</summary>
    public const string CannotChangeInPlace = "CannotChangeInPlace";

    /// <summary>Stalled: spec.externalId names another id than the one this object manages.</summary>
    public const string ExternalIdChanged = "ExternalIdChanged";

    /// <summary>Stalled: no credentials apply to the object.</summary>
    public const string CredentialsNotFound = "CredentialsNotFound";

    /// <summary>Stalled: the platform refused the credentials.</summary>
    public const string CredentialsRefused = "CredentialsRefused";

    /// <summary>Stalled: the platform refused a request (the message gives its reason).</summary>
    public const string PlatformRefused = "PlatformRefused";

    /// <summary>Stalled: an operation of the platform ended failed for good.</summary>
    public const string PlatformFailed = "PlatformFailed";

    /// <summary>Stalled: a resource of the object's name exists that this object did not create.</summary>
    public const string AlreadyExists = "AlreadyExists";

    /// <summary>Stalled: the resource the object names or manages does not exist.</summary>
    public const string NotFound = "NotFound";

    /// <summary>Stalled: the resource spec.externalId names does not exist.</summary>
    public const string ExternalNotFound = "ExternalNotFound";

    /// <summary>Reconciling: the create was sent (or is about to be).</summary>
    public const string Creating = "Creating";

    /// <summary>Reconciling: a change was sent.</summary>
    public const string Updating = "Updating";

    /// <summary>Reconciling: the platform is still working on the resource or an operation.</summary>
    public const string WaitingForPlatform = "WaitingForPlatform";

    /// <summary>Reconciling: an operation failed with a transient error and is tried again.</summary>
    public const string Retrying = "Retrying";

    /// <summary>Reconciling: the answer to a write was lost; the next pass reads the platform before writing again.</summary>
    public const string OutcomeUnknown = "OutcomeUnknown";

    /// <summary>Reconciling, and the reason of <see cref="ReferencesReady"/> False: a referenced object is missing or not Ready.</summary>
    public const string WaitingForReferences = "WaitingForReferences";

    /// <summary>Condition type saying whether every referenced object exists and is Ready.</summary>
    public const string ReferencesReady = "ReferencesReady";

    /// <summary>Ready: the resource matches the spec.</summary>
    public const string Provisioned = "Provisioned";

    /// <summary>Ready: the resource is observed, never written.</summary>
    public const string Observed = "Observed";
}

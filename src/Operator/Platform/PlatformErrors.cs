using System.Globalization;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>
/// The base of every error a platform driver raises. Messages never carry credentials or tokens:
/// they are safe to put in a condition, an event or a log.
/// </summary>
public class PlatformException : Exception
{
    public PlatformException()
    {
    }

    public PlatformException(string message)
        : base(message)
    {
    }

    public PlatformException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The platform refused the request because the spec breaks one of its rules (HTTP 400, or 409 on a
/// conflict with the resource's current state). Nothing was created or changed; retrying the same
/// request cannot help: the controller sets Stalled with <see cref="Exception.Message"/>.
/// </summary>
public sealed class PlatformRefusedException : PlatformException
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

    /// <summary>A refusal of the rule <paramref name="rule"/> with the platform's sentence.</summary>
    public PlatformRefusedException(string rule, string message, bool conflict = false)
        : base(message)
    {
        Rule = rule;
        Conflict = conflict;
    }

    /// <summary>The id of the broken rule (docs/rules.md), e.g. "B11"; "P" when the platform named none.</summary>
    public string Rule { get; }

    /// <summary>Whether it was a conflict with the resource's current state (HTTP 409) rather than an invalid request (HTTP 400).</summary>
    public bool Conflict { get; }
}

/// <summary>The platform does not know the resource (HTTP 404): on a read, it is absent.</summary>
public sealed class PlatformNotFoundException : PlatformException
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

/// <summary>The resource belongs to another tenant, or the credentials lack a permission (HTTP 403).</summary>
public sealed class PlatformForbiddenException : PlatformException
{
    public PlatformForbiddenException()
    {
    }

    public PlatformForbiddenException(string message)
        : base(message)
    {
    }

    public PlatformForbiddenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The credentials were refused by the token exchange, or a fresh token was refused again (HTTP 401
/// after one re-authentication). Not transient: the Secret must change.
/// </summary>
public sealed class PlatformAuthenticationException : PlatformException
{
    public PlatformAuthenticationException()
    {
    }

    public PlatformAuthenticationException(string message)
        : base(message)
    {
    }

    public PlatformAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The platform could not be reached or answered a transient error (429, 5xx on a read, a timeout,
/// an open circuit, the client-side rate limit). Nothing was changed by the request: the runtime
/// retries with backoff.
/// </summary>
public sealed class PlatformUnavailableException : PlatformException
{
    public PlatformUnavailableException()
    {
    }

    public PlatformUnavailableException(string message)
        : base(message)
    {
    }

    public PlatformUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>When the platform said to come back (Retry-After), if it did.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The HTTP status of the last answer, if there was one.</summary>
    public int? StatusCode { get; init; }
}

/// <summary>
/// A write was sent but its answer was lost (5xx, timeout, connection dropped after sending): the
/// platform may or may not have applied it. The driver never retries it; the caller must find out,
/// e.g. by looking the resource up by <see cref="ResourceName"/> (a create) or listing the operations
/// of <see cref="ResourceId"/> (a change), before writing again.
/// </summary>
public sealed class PlatformOutcomeUnknownException : PlatformException
{
    public PlatformOutcomeUnknownException()
    {
    }

    public PlatformOutcomeUnknownException(string message)
        : base(message)
    {
    }

    public PlatformOutcomeUnknownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What was asked, e.g. "create cpool 'prod-par7s'".</summary>
    public string Operation { get; init; } = string.Empty;

    /// <summary>The kind of resource written, e.g. "cpool".</summary>
    public string ResourceKind { get; init; } = string.Empty;

    /// <summary>For a create, the name to look the resource up by.</summary>
    public string? ResourceName { get; init; }

    /// <summary>For a change of an existing resource, its id (its operations tell whether the change was accepted).</summary>
    public string? ResourceId { get; init; }

    /// <summary>The HTTP status of the answer that was lost, if there was one.</summary>
    public int? StatusCode { get; init; }
}

/// <summary>An activity ended failed. Nothing of it remains on the platform.</summary>
public sealed class OperationFailedException : PlatformException
{
    public OperationFailedException()
    {
    }

    public OperationFailedException(string message)
        : base(message)
    {
    }

    public OperationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The failure of activity <paramref name="activityId"/> with the platform's reason.</summary>
    public OperationFailedException(string activityId, string reason, bool transient)
        : base($"Platform operation {activityId} failed: {reason}")
    {
        ActivityId = activityId;
        Reason = reason;
        Transient = transient;
    }

    /// <summary>The failed activity.</summary>
    public string ActivityId { get; } = string.Empty;

    /// <summary>The platform's reason, free text.</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>Whether the reason is one the platform is known to give for transient errors (the same write may be sent again).</summary>
    public bool Transient { get; }
}

/// <summary>
/// What the tenant must order, or ask support for, in the Cloud Temple console, because the public
/// API cannot do it: the kind, the zone and the SKUs with their quantities.
/// </summary>
/// <param name="Action">What is asked, e.g. "order a Cpool 'prod' (VMware cluster of standard blades)".</param>
/// <param name="Zone">The availability zone concerned, if any.</param>
/// <param name="Lines">The SKUs and quantities of the order; empty when nothing is billed (e.g. a deletion).</param>
/// <param name="Details">Further figures of the order (e.g. "memory reservation 384 GiB"), or null.</param>
/// <param name="Then">What to do once it is done, e.g. "set spec.externalId to the new host cluster's id".</param>
public sealed record ManualOrder(string Action, Zone? Zone, IReadOnlyList<BillingItem> Lines, string? Details, string Then)
{
    /// <summary>The order as one sentence, e.g. "order a Cpool … in zone PAR7S (FR1-AZ05): 3 × csp:… (host)".</summary>
    public override string ToString()
    {
        var where = Zone is { } zone ? $" in zone {zone} ({PlatformCatalog.PlatformZoneName(zone)})" : string.Empty;
        var lines = Lines.Count == 0
            ? string.Empty
            : ": " + string.Join(", ", Lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Quantity:0.###} × {l.Sku} ({Unit(l.Unit)})")));
        var details = Details is null ? string.Empty : $" ({Details})";
        return $"{Action}{where}{lines}{details}. Then {Then}.";
    }

    private static string Unit(BillingUnit unit) => unit switch
    {
        BillingUnit.Host => "host",
        BillingUnit.VM => "VM",
        _ => unit.ToString(),
    };
}

/// <summary>
/// The platform's public API cannot do what the spec asks (create, resize, delete, or read what it
/// does not expose): the tenant must place <see cref="Order"/> in the console. Nothing was sent.
/// </summary>
public sealed class ManualOrderRequiredException : PlatformException
{
    public ManualOrderRequiredException()
        : this("The platform's public API cannot do this")
    {
    }

    public ManualOrderRequiredException(string message)
        : base(message) => Order = null;

    public ManualOrderRequiredException(string message, Exception innerException)
        : base(message, innerException) => Order = null;

    /// <summary>The console API cannot <paramref name="what"/>; the message gives the order.</summary>
    /// <param name="what">What the API lacks, e.g. "create host clusters".</param>
    /// <param name="order">The order to place in the console.</param>
    public ManualOrderRequiredException(string what, ManualOrder order)
        : base($"The Cloud Temple console API cannot {what}; nothing was sent. In the console, {order}")
    {
        ArgumentNullException.ThrowIfNull(order);
        Order = order;
    }

    /// <summary>The order to place, when there is one.</summary>
    public ManualOrder? Order { get; }
}

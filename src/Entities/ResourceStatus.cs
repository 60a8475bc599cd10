using CloudTemple.Operator.Entities.Schema;

namespace CloudTemple.Operator.Entities;

/// <summary>Fields common to the status of every kind.</summary>
public abstract class ResourceStatus
{
    /// <summary>
    /// The metadata.generation of the spec that this status describes; 0 until the operator has
    /// looked at the object, so that kstatus (Flux) and Argo CD read a new object as in progress.
    /// </summary>
    [SchemaDefaulted]
    [SchemaRange(0, ApiBounds.MaximumExactInteger)]
    public long? ObservedGeneration { get; set; } = 0;

    /// <summary>Id of the platform resource this object manages or observes.</summary>
    [SchemaLength(0, ApiBounds.NameLength)]
    public string? ExternalId { get; set; }

    /// <summary>Id of the platform operation in flight, if any. Kept across operator restarts so that an operation is awaited, never repeated.</summary>
    [SchemaLength(0, ApiBounds.NameLength)]
    public string? ActivityId { get; set; }

    /// <summary>
    /// The intent to create: when the operator saved it, just before it asked the platform to create
    /// the resource; cleared once the resource's id is known. While it is set without externalId, the
    /// resource may exist under the object's name (the platform's answer was lost): the operator then
    /// finds it by name instead of creating it twice, and deleting the object deletes it.
    /// </summary>
    public DateTime? CreatePendingSince { get; set; }

    /// <summary>The value of the reconcile-requested-at annotation that was last handled.</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? LastHandledReconcileAt { get; set; }

    /// <summary>
    /// The latest observations of the object's state. Always present: Ready (the platform matches
    /// the spec at observedGeneration), Reconciling (work is in flight) and Stalled (no progress is
    /// possible without a change of spec or outside help).
    /// </summary>
    [SchemaListMap("type")]
    [SchemaMaxItems(ApiBounds.Conditions)]
    public List<Condition> Conditions { get; set; } = [];

    /// <summary>What this object consumes on the monthly bill: one line per SKU.</summary>
    [SchemaListMap("sku")]
    [SchemaMaxItems(ApiBounds.BillingLines)]
    public List<BillingLine> Billing { get; set; } = [];
}

/// <summary>One observation of an object's state, in the shape of Kubernetes metav1.Condition.</summary>
public sealed record Condition
{
    /// <summary>Type of condition in CamelCase, e.g. Ready.</summary>
    [SchemaRequired]
    [SchemaLength(1, 316)]
    [SchemaPattern(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")]
    public string Type { get; set; } = string.Empty;

    /// <summary>Status of the condition: True, False or Unknown.</summary>
    [SchemaRequired]
    public ConditionStatus Status { get; set; } = ConditionStatus.Unknown;

    /// <summary>The metadata.generation the condition was set for.</summary>
    [SchemaRange(0, ApiBounds.MaximumExactInteger)]
    public long? ObservedGeneration { get; set; }

    /// <summary>When the condition last changed from one status to another.</summary>
    [SchemaRequired]
    public DateTime LastTransitionTime { get; set; }

    /// <summary>A programmatic identifier of the reason for the last transition, in CamelCase.</summary>
    [SchemaRequired]
    [SchemaLength(1, 1024)]
    [SchemaPattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")]
    public string Reason { get; set; } = string.Empty;

    /// <summary>A human readable message about the transition; may be empty.</summary>
    [SchemaRequired]
    [SchemaLength(0, ApiBounds.MessageLength)]
    public string Message { get; set; } = string.Empty;
}

/// <summary>The status of a condition.</summary>
public enum ConditionStatus
{
    /// <summary>The condition holds.</summary>
    True,

    /// <summary>The condition does not hold.</summary>
    False,

    /// <summary>It is not known whether the condition holds.</summary>
    Unknown,
}

/// <summary>One line of the bill (rule X3).</summary>
public sealed record BillingLine
{
    /// <summary>The catalog SKU, e.g. csp:fr1:iaas:vmware:standard:v3.</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.TextLength)]
    public string Sku { get; set; } = string.Empty;

    /// <summary>How many units of the SKU this object consumes.</summary>
    [SchemaRequired]
    [SchemaRange(0, ApiBounds.BillingQuantity)]
    public decimal Quantity { get; set; }

    /// <summary>The unit of the quantity: host, GiB, TiB or VM.</summary>
    [SchemaRequired]
    [SchemaLength(1, 16)]
    public string Unit { get; set; } = string.Empty;
}

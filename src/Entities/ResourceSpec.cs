using CloudTemple.Operator.Entities.Schema;

namespace CloudTemple.Operator.Entities;

/// <summary>Fields common to the spec of every kind.</summary>
public abstract class ResourceSpec
{
    /// <summary>
    /// Manage (default) creates, updates and deletes the platform resource to match this spec.
    /// Observe imports an existing platform resource (see externalId) and only reports its state:
    /// the operator never writes to the platform for this object.
    /// </summary>
    [SchemaDefaulted]
    public ManagementPolicy ManagementPolicy { get; set; } = ManagementPolicy.Manage;

    /// <summary>
    /// What happens to the platform resource when this object is deleted: Delete (default)
    /// deletes it; Orphan leaves it on the platform and only removes the finalizer.
    /// </summary>
    [SchemaDefaulted]
    public DeletionPolicy DeletionPolicy { get; set; } = DeletionPolicy.Delete;

    /// <summary>
    /// Id of an existing platform resource to adopt instead of creating one. Without it, a
    /// platform resource of the same name is never adopted silently: the object stalls with
    /// reason AlreadyExists. A resource belongs to one object of the cluster: an id another object
    /// already names is refused (AlreadyManaged). Once set, it cannot change.
    /// </summary>
    [SchemaLength(1, ApiBounds.NameLength)]
    public string? ExternalId { get; set; }

    /// <summary>
    /// A Secret in this namespace, labelled iaas.cloud-temple.com/credentials=true, with the keys
    /// "id" and "secret" (a personal access token of the platform). Default: the Secret
    /// "cloudtemple-credentials" in this namespace if it exists, else the operator's own
    /// credentials if the cluster admin grants them to this namespace.
    /// </summary>
    public LocalObjectReference? CredentialsSecretRef { get; set; }
}

/// <summary>Whether the operator may write to the platform for an object.</summary>
public enum ManagementPolicy
{
    /// <summary>Create, update and delete the platform resource.</summary>
    Manage,

    /// <summary>Only read the platform resource and report its state.</summary>
    Observe,
}

/// <summary>What deleting an object does to its platform resource.</summary>
public enum DeletionPolicy
{
    /// <summary>Delete the platform resource.</summary>
    Delete,

    /// <summary>Leave the platform resource in place.</summary>
    Orphan,
}

/// <summary>A reference to another object in the same namespace.</summary>
public sealed record LocalObjectReference
{
    /// <summary>
    /// Name of the object, in the same namespace as the referrer: a Kubernetes object name
    /// (lowercase letters, digits, '-' and '.'), never a namespace-qualified one.
    /// </summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.NameLength)]
    [SchemaPattern(ApiBounds.ObjectNamePattern, Meaning = ApiBounds.ObjectName)]
    public string Name { get; set; } = string.Empty;
}

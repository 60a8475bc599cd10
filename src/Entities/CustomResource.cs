using k8s;
using k8s.Models;

namespace CloudTemple.Operator.Entities;

/// <summary>What every kind has, seen without its concrete spec and status types: what the controller runtime works with.</summary>
public interface ICustomResource : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The fields common to every spec.</summary>
    ResourceSpec CommonSpec { get; }

    /// <summary>The fields common to every status, created empty when the object has none yet.</summary>
    ResourceStatus CommonStatus { get; }
}

/// <summary>Base of the six kinds: Kubernetes metadata, a spec and a status.</summary>
/// <typeparam name="TSpec">The desired state.</typeparam>
/// <typeparam name="TStatus">The observed state.</typeparam>
public abstract class CustomResource<TSpec, TStatus> : ICustomResource, ISpec<TSpec>, IStatus<TStatus?>
    where TSpec : ResourceSpec, new()
    where TStatus : ResourceStatus, new()
{
    /// <summary>APIVersion defines the versioned schema of this representation of an object.</summary>
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <summary>Kind is a string value representing the REST resource this object represents.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>Standard object metadata.</summary>
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The desired state of the platform resource, written by the user.</summary>
    public TSpec Spec { get; set; } = new();

    /// <summary>The observed state, written by the operator only.</summary>
    public TStatus? Status { get; set; }

    ResourceSpec ICustomResource.CommonSpec => Spec;

    ResourceStatus ICustomResource.CommonStatus => Status ??= new TStatus();
}

using k8s;
using k8s.Models;

namespace CloudTemple.Operator.Runtime;

/// <summary>The identity of a namespaced object in a work queue: namespace/name.</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> entity) =>
        new(entity.Metadata.NamespaceProperty ?? string.Empty, entity.Metadata.Name);

    public override string ToString() => $"{Namespace}/{Name}";
}

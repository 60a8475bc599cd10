using System.Reflection;
using k8s.Models;

namespace CloudTemple.Operator.Runtime;

/// <summary>Where the API server serves a kind: group, version, plural, kind.</summary>
public sealed record EntityInfo(string Group, string Version, string Plural, string Kind)
{
    /// <summary>group/version.</summary>
    public string ApiVersion => $"{Group}/{Version}";

    /// <summary>The controller's name in metrics and logs: the kind in lower case.</summary>
    public string ControllerName => Kind.ToLowerInvariant();

    public static EntityInfo Of<T>() => Of(typeof(T));

    public static EntityInfo Of(Type type)
    {
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{type.Name} has no [KubernetesEntity].", nameof(type));
        return new EntityInfo(entity.Group, entity.ApiVersion, entity.PluralName, entity.Kind);
    }
}

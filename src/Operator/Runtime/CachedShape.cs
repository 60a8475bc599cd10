using System.Text.Json.Nodes;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// What the informers keep of an object: everything the reconcilers and the webhook's views read, but
/// not metadata.managedFields nor kubectl's last-applied-configuration annotation. Only clients that
/// write the spec use them, the operator never does, and together they can outweigh the rest of the
/// object many times over (every field of the spec, twice).
/// </summary>
public static class CachedShape
{
    /// <summary>The annotation in which <c>kubectl apply</c> keeps the whole object it last applied.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Removes, in place, what the cache does not keep; returns the same object.</summary>
    public static JsonObject Trim(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json["metadata"] is JsonObject metadata)
        {
            metadata.Remove("managedFields");
            if (metadata["annotations"] is JsonObject annotations)
            {
                annotations.Remove(LastAppliedAnnotation);
            }
        }

        return json;
    }
}

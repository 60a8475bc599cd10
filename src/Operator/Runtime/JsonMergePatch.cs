using System.Text.Json.Nodes;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// Builds an RFC 7386 merge patch that turns one JSON document into another: changed values are
/// set, removed keys are set to null (which deletes them), arrays are replaced whole. The
/// KubernetesClient serializer omits nulls, so this is how a cleared field reaches the server.
/// </summary>
public static class JsonMergePatch
{
    /// <summary>The patch from <paramref name="from"/> to <paramref name="to"/>; an empty object when they are equal.</summary>
    public static JsonObject Create(JsonObject? from, JsonObject to)
    {
        var patch = new JsonObject();
        foreach (var (key, value) in to)
        {
            var before = from?[key];
            if (value is JsonObject toObject && before is JsonObject fromObject)
            {
                var nested = Create(fromObject, toObject);
                if (nested.Count > 0)
                {
                    patch[key] = nested;
                }
            }
            else if (!JsonNode.DeepEquals(before, value))
            {
                patch[key] = value?.DeepClone();
            }
        }

        if (from is not null)
        {
            foreach (var (key, _) in from)
            {
                if (!to.ContainsKey(key))
                {
                    patch[key] = null;
                }
            }
        }

        return patch;
    }
}

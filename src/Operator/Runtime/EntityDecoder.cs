using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using k8s;
using k8s.Models;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// An object of a watched kind that cannot be read as its C# type — a value its schema allows but
/// the type cannot hold, such as a number beyond <see cref="decimal"/> — told by its raw metadata,
/// the JSON path of the value and the reader's error; never by its content.
/// </summary>
public sealed record UndecodableObject(V1ObjectReference Reference, string Path, string Error)
{
    /// <summary>namespace/name, or null when even the metadata has no name.</summary>
    public ObjectKey? Key => Reference.Name is { } name ? new ObjectKey(Reference.NamespaceProperty ?? string.Empty, name) : null;

    public override string ToString() => $"{Reference.Kind} {Key?.ToString() ?? "(unnamed)"}";
}

/// <summary>Reads the JSON of a custom object as its type; a value it cannot read is an answer, not an exception.</summary>
public static class EntityDecoder
{
    /// <summary>The longest reader error kept: a converter may quote the value it refused, never more.</summary>
    private const int ErrorLength = 512;

    /// <summary>The object as <typeparamref name="T"/>, or what stops it from being read.</summary>
    public static bool TryDecode<T>(JsonObject json, [NotNullWhen(true)] out T? entity, [NotNullWhen(false)] out UndecodableObject? failure)
        where T : class, ICustomResource
    {
        try
        {
            entity = KubernetesJson.Deserialize<T>(json) ?? throw new JsonException("The object is null.");
            failure = null;
            return true;
        }
        // What System.Text.Json and the client's converters throw on a value they cannot read: a
        // JsonException with the path, or the converter's own exception (e.g. a FormatException for
        // a date-time before year 1), which has none.
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            entity = null;
            failure = new UndecodableObject(Reference<T>(json), (e as JsonException)?.Path ?? "(unknown)", Describe(e));
            return false;
        }
    }

    /// <summary>metadata.resourceVersion of a raw object (a bookmark has nothing else), or null.</summary>
    public static string? ResourceVersion(JsonObject json) => Text(json["metadata"]?["resourceVersion"]);

    private static V1ObjectReference Reference<T>(JsonObject json)
        where T : class, ICustomResource
    {
        var info = EntityInfo.Of<T>();
        var metadata = json["metadata"] as JsonObject;
        return new V1ObjectReference
        {
            ApiVersion = Text(json["apiVersion"]) ?? info.ApiVersion,
            Kind = Text(json["kind"]) ?? info.Kind,
            Name = Text(metadata?["name"]),
            NamespaceProperty = Text(metadata?["namespace"]),
            Uid = Text(metadata?["uid"]),
            ResourceVersion = Text(metadata?["resourceVersion"]),
        };
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    // The reader's sentence without its " Path: … | LineNumber: …" tail: the path is reported on its own.
    private static string Describe(Exception e)
    {
        var message = e.Message;
        var tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return BoundedText.Truncate(tail > 0 ? message[..tail] : message, ErrorLength);
    }
}

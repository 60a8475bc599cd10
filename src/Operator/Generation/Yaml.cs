using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace CloudTemple.Operator.Generation;

/// <summary>
/// Writes Kubernetes objects as YAML the way they travel as JSON: the KubernetesClient serializer
/// decides field names and omits nulls, and the JSON tree is emitted as block YAML with integers
/// kept integral and strings quoted only where YAML would read them as something else.
/// </summary>
internal static class Yaml
{
    public static string Serialize(object kubernetesObject)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(kubernetesObject));
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: false));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart());
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(anchor: null, tag: null, isImplicit: true, SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            case null:
                emitter.Emit(new Scalar("null"));
                break;
            default:
                // Numbers and booleans: JSON's text is already YAML's.
                emitter.Emit(new Scalar(node.ToJsonString()));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        var style = text.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.Literal
            : NeedsQuotes(text) ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Any;
        emitter.Emit(new Scalar(anchor: null, tag: null, text, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    // Strings a YAML 1.1 or 1.2 reader would take for a number, a boolean or null.
    private static bool NeedsQuotes(string text) =>
        text.Length == 0
        || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || text.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n" or "null" or "~";
}

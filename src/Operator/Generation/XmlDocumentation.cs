using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CloudTemple.Operator.Generation;

/// <summary>
/// The XML documentation file the compiler writes beside an assembly, read so that the C# doc
/// comments of the entity types become the descriptions of the CRD schema.
/// </summary>
internal sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocumentation(Dictionary<string, string> summaries) => _summaries = summaries;

    /// <summary>Loads the documentation of <paramref name="assembly"/> from the file beside it.</summary>
    /// <exception cref="FileNotFoundException">The project was built without GenerateDocumentationFile.</exception>
    public static XmlDocumentation For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The XML documentation of {assembly.GetName().Name} is missing; build it with GenerateDocumentationFile.", path);
        }

        var summaries = XDocument.Load(path).Descendants("member")
            .Select(m => (Name: (string?)m.Attribute("name"), Summary: m.Element("summary")))
            .Where(m => m.Name is not null && m.Summary is not null)
            .ToDictionary(m => m.Name!, m => Flatten(m.Summary!), StringComparer.Ordinal);
        return new XmlDocumentation(summaries);
    }

    /// <summary>The summary of a type, or null when it has none.</summary>
    public string? Of(Type type) => _summaries.GetValueOrDefault("T:" + Name(type));

    /// <summary>The summary of a property, or null when it has none.</summary>
    public string? Of(PropertyInfo property) =>
        _summaries.GetValueOrDefault($"P:{Name(property.DeclaringType!)}.{property.Name}");

    private static string Name(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    // <c>x</c> becomes x, <see cref="T:A.B"/> becomes B, and white space folds to single spaces.
    private static string Flatten(XElement summary)
    {
        var text = string.Concat(summary.Nodes().Select(node => node switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } e => ((string?)e.Attribute("cref"))?.Split('.', ':').Last()
                ?? (string?)e.Attribute("langword") ?? e.Value,
            XElement e => e.Value,
            _ => string.Empty,
        }));
        return Whitespace().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

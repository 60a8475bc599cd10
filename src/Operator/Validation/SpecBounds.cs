using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using CloudTemple.Operator.Entities.Schema;

namespace CloudTemple.Operator.Validation;

/// <summary>
/// The schema's bounds (<see cref="SchemaRangeAttribute"/>, <see cref="SchemaMaxItemsAttribute"/>,
/// the maxima of <see cref="SchemaLengthAttribute"/> and <see cref="SchemaItemLengthAttribute"/>,
/// and <see cref="SchemaPatternAttribute"/>) checked again on a spec, for an object that came past
/// the schema (an old CRD without them). The other rules run only on a spec within bounds, so their work stays bounded too,
/// and no figure out of the platform's range reaches the catalog's arithmetic. One pass over
/// the spec, which stops at the first <see cref="Reported"/> violations and never walks the items
/// of a list that is already too long.
/// </summary>
internal static class SpecBounds
{
    /// <summary>The most bound violations reported for one object: enough to act on, bounded to build.</summary>
    public const int Reported = 10;

    private static readonly ConcurrentDictionary<Type, Field[]> s_fields = new();

    /// <summary>The fields of <paramref name="spec"/> (at any depth) out of their schema bounds, at most <see cref="Reported"/>.</summary>
    public static IReadOnlyList<Violation> Check(object spec, string path)
    {
        var violations = new List<Violation>();
        Walk(spec, path, violations);
        return violations;
    }

    private static void Walk(object value, string path, List<Violation> violations)
    {
        foreach (var field in s_fields.GetOrAdd(value.GetType(), Describe))
        {
            if (violations.Count >= Reported)
            {
                return;
            }

            var fieldPath = $"{path}.{field.Name}";
            var current = field.Property.GetValue(value);
            switch (current)
            {
                case null:
                    break;
                case string text:
                    CheckString(text, fieldPath, field, violations);
                    break;
                case IList list:
                    CheckList(list, fieldPath, field, violations);
                    break;
                case int or long or decimal when field.Range is { } range:
                    CheckRange(Convert.ToDecimal(current, CultureInfo.InvariantCulture), fieldPath, range, violations);
                    break;
                case var nested when field.IsObject:
                    Walk(nested, fieldPath, violations);
                    break;
            }
        }
    }

    private static void CheckList(IList list, string path, Field field, List<Violation> violations)
    {
        if (field.MaxItems is { } maximum && list.Count > maximum)
        {
            violations.Add(new(path, "bounds", $"{list.Count} items, at most {maximum} are allowed"));
            return;
        }

        for (var i = 0; i < list.Count && violations.Count < Reported; i++)
        {
            switch (list[i])
            {
                case string text:
                    // The item's path is only built for a violation: a list may hold a thousand names.
                    if (text.Length > field.ItemMaxLength)
                    {
                        CheckLength(text, $"{path}[{i}]", field.ItemMaxLength, violations);
                    }

                    break;
                case { } item when item.GetType().IsClass:
                    Walk(item, $"{path}[{i}]", violations);
                    break;
            }
        }
    }

    private static void CheckString(string text, string path, Field field, List<Violation> violations)
    {
        if (text.Length > field.MaxLength)
        {
            CheckLength(text, path, field.MaxLength, violations);
        }
        else if (field.Pattern is { } pattern && text.Length > 0 && !pattern.Regex.IsMatch(text))
        {
            // An empty string is left to minLength and required, as every minimum is.
            violations.Add(new(path, "bounds", pattern.Meaning is { } meaning
                ? $"\"{text}\" is not {meaning}"
                : $"\"{text}\" does not match the pattern {pattern.Source}"));
        }
    }

    private static void CheckLength(string text, string path, int? maximum, List<Violation> violations)
    {
        if (text.Length > maximum)
        {
            violations.Add(new(path, "bounds", $"{text.Length} characters, at most {maximum} are allowed"));
        }
    }

    private static void CheckRange(decimal number, string path, SchemaRangeAttribute range, List<Violation> violations)
    {
        if (number < range.Minimum || number > range.Maximum)
        {
            violations.Add(new(path, range.Rule ?? "bounds",
                string.Create(CultureInfo.InvariantCulture, $"{number} is out of range: {range.Minimum} to {range.Maximum} are allowed")));
        }
    }

    private static Field[] Describe(Type type) =>
    [
        .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).Select(p => new Field(
            p,
            char.ToLowerInvariant(p.Name[0]) + p.Name[1..],
            p.GetCustomAttribute<SchemaRangeAttribute>(),
            p.GetCustomAttribute<SchemaLengthAttribute>()?.Maximum,
            p.GetCustomAttribute<SchemaMaxItemsAttribute>()?.Maximum,
            p.GetCustomAttribute<SchemaItemLengthAttribute>()?.Maximum,
            p.GetCustomAttribute<SchemaPatternAttribute>() is { } pattern ? new Pattern(pattern.Pattern, Compile(pattern.Pattern), pattern.Meaning) : null,
            p.PropertyType.IsClass && p.PropertyType != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(p.PropertyType))),
    ];

    // The schema's patterns are ECMA-262, where "$" is the end of the text; in .NET it also matches
    // before a final "\n", which would let "prod\n" through. Outside a character class it becomes
    // "\z". NonBacktracking keeps a match linear in the (bounded) length of the value.
    private static Regex Compile(string pattern)
    {
        var translated = new StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                translated.Append(c).Append(pattern[++i]);
                continue;
            }

            inClass = c switch
            {
                '[' => true,
                ']' => false,
                _ => inClass,
            };
            translated.Append(c == '$' && !inClass ? @"\z" : c.ToString());
        }

        return new Regex(translated.ToString(), RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
    }

    private sealed record Pattern(string Source, Regex Regex, string? Meaning);

    private sealed record Field(
        PropertyInfo Property, string Name, SchemaRangeAttribute? Range, int? MaxLength, int? MaxItems, int? ItemMaxLength, Pattern? Pattern, bool IsObject);
}

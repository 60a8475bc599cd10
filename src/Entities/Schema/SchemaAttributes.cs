namespace CloudTemple.Operator.Entities.Schema;

// The attributes below drive the generated CRD schema. Their names carry a "Schema" prefix on
// purpose: System.ComponentModel has [Required], [Range] and [DefaultValue], and a wrong `using`
// must not silently drop validation.

/// <summary>The field must be present (OpenAPI <c>required</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaRequiredAttribute : Attribute;

/// <summary>
/// Inclusive numeric bounds (OpenAPI <c>minimum</c>/<c>maximum</c>). Every number of the API has
/// both: the API server then refuses an out-of-range value in a spec and in a status write alike.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaRangeAttribute(long minimum, long maximum) : Attribute
{
    /// <summary>The smallest value allowed.</summary>
    public long Minimum { get; } = minimum;

    /// <summary>The largest value allowed.</summary>
    public long Maximum { get; } = maximum;

    /// <summary>The id of the domain rule the bounds come from (e.g. "C1"), named when the webhook refuses a value the schema let through.</summary>
    public string? Rule { get; init; }
}

/// <summary>A regular expression the string must match (OpenAPI <c>pattern</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaPatternAttribute(string pattern) : Attribute
{
    /// <summary>The ECMA-262 regular expression.</summary>
    public string Pattern { get; } = pattern;

    /// <summary>
    /// What a matching value is, in words (e.g. "a Kubernetes object name (…)"), said when the webhook
    /// refuses a value the schema let through; without it the refusal quotes the pattern.
    /// </summary>
    public string? Meaning { get; init; }
}

/// <summary>String length bounds (OpenAPI <c>minLength</c>/<c>maxLength</c>); every free string of the API has a maximum.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaLengthAttribute(int minimum, int maximum) : Attribute
{
    /// <summary>The shortest length allowed.</summary>
    public int Minimum { get; } = minimum;

    /// <summary>The longest length allowed.</summary>
    public int Maximum { get; } = maximum;
}

/// <summary>Length bounds of each string item of a list of strings (the items' <c>minLength</c>/<c>maxLength</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaItemLengthAttribute(int minimum, int maximum) : Attribute
{
    /// <summary>The shortest item allowed.</summary>
    public int Minimum { get; } = minimum;

    /// <summary>The longest item allowed.</summary>
    public int Maximum { get; } = maximum;
}

/// <summary>Minimum number of items of a list (OpenAPI <c>minItems</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaMinItemsAttribute(int minimum) : Attribute
{
    /// <summary>The fewest items allowed.</summary>
    public int Minimum { get; } = minimum;
}

/// <summary>
/// Maximum number of items of a list (OpenAPI <c>maxItems</c>). Every list of the API has one
/// (see <c>ApiBounds</c>), so that no object makes the API server, the webhook or a reconciler
/// do unbounded work.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaMaxItemsAttribute(int maximum) : Attribute
{
    /// <summary>The most items allowed.</summary>
    public int Maximum { get; } = maximum;
}

/// <summary>
/// The schema default is the property's initial value on a new instance of its type, so the
/// C# initialiser and the CRD cannot disagree.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaDefaultedAttribute : Attribute;

/// <summary>A list of objects keyed by one of their fields (<c>x-kubernetes-list-type: map</c>): keys are unique.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaListMapAttribute(string key) : Attribute
{
    /// <summary>The JSON name of the field that keys the items.</summary>
    public string Key { get; } = key;
}

/// <summary>A list of unique scalar values (<c>x-kubernetes-list-type: set</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaListSetAttribute : Attribute;

/// <summary>
/// The field cannot change once set. The schema cannot say so on Kubernetes 1.20 (no CEL), so
/// the description states it and the validating webhook enforces it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ImmutableAttribute : Attribute;

/// <summary>
/// An enum member the platform refuses. It is left out of the schema's <c>enum</c>, so the API
/// server rejects it at once; the reason is kept for the webhook and the controllers, which
/// refuse it too when the schema is bypassed.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class RefusedValueAttribute(string rule, string reason) : Attribute
{
    /// <summary>The id of the rule in the domain rules, e.g. "B10".</summary>
    public string Rule { get; } = rule;

    /// <summary>Why the value is refused, as a sentence fragment.</summary>
    public string Reason { get; } = reason;
}

/// <summary>A column of <c>kubectl get</c> for this kind.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string jsonPath, string type = "string") : Attribute
{
    /// <summary>The column header.</summary>
    public string Name { get; } = name;

    /// <summary>A JSONPath into the object.</summary>
    public string JsonPath { get; } = jsonPath;

    /// <summary>The OpenAPI type of the value: string, integer, number, boolean or date.</summary>
    public string Type { get; } = type;

    /// <summary>0 shows the column always, 1 only with <c>-o wide</c>.</summary>
    public int Priority { get; init; }

    /// <summary>Help text of the column.</summary>
    public string? Description { get; init; }
}

/// <summary>Short names of a kind for <c>kubectl get</c> (e.g. <c>cp</c>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortNamesAttribute(params string[] names) : Attribute
{
    /// <summary>The short names.</summary>
    public IReadOnlyList<string> Names { get; } = names;
}

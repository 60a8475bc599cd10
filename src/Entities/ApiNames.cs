using System.Reflection;
using System.Text.Json.Serialization;

namespace CloudTemple.Operator.Entities;

/// <summary>The spelling of enum values in the API (e.g. "perf2", "premium"), for messages users read.</summary>
public static class ApiNames
{
    /// <summary>The value as it is written in YAML: its JsonStringEnumMemberName, else its name.</summary>
    public static string Of(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var name = value.ToString();
        return value.GetType().GetField(name)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? name;
    }
}

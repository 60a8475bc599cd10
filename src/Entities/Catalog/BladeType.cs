using System.Text.Json.Serialization;

namespace CloudTemple.Operator.Entities.Catalog;

/// <summary>The compute blades of catalog v3 (rule C2).</summary>
public enum BladeType
{
    /// <summary>ECO v3.</summary>
    [JsonStringEnumMemberName("eco")]
    Eco,

    /// <summary>STANDARD v3.</summary>
    [JsonStringEnumMemberName("standard")]
    Standard,

    /// <summary>ADVANCE v3.</summary>
    [JsonStringEnumMemberName("advance")]
    Advance,

    /// <summary>PERFORMANCE 1 v3.</summary>
    [JsonStringEnumMemberName("perf1")]
    Perf1,

    /// <summary>PERFORMANCE 2 v3.</summary>
    [JsonStringEnumMemberName("perf2")]
    Perf2,

    /// <summary>PERFORMANCE 3 v3.</summary>
    [JsonStringEnumMemberName("perf3")]
    Perf3,

    /// <summary>PERFORMANCE 4 v3, with GPUs.</summary>
    [JsonStringEnumMemberName("perf4")]
    Perf4,
}

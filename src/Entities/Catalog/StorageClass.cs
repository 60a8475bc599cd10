using System.Text.Json.Serialization;

namespace CloudTemple.Operator.Entities.Catalog;

/// <summary>The performance classes of SAN block storage.</summary>
public enum StorageClass
{
    /// <summary>FLASH Essential, 500 IOPS per TiB.</summary>
    [JsonStringEnumMemberName("essential")]
    Essential,

    /// <summary>FLASH Standard, 1,500 IOPS per TiB.</summary>
    [JsonStringEnumMemberName("standard")]
    Standard,

    /// <summary>FLASH Premium, 3,000 IOPS per TiB.</summary>
    [JsonStringEnumMemberName("premium")]
    Premium,

    /// <summary>FLASH Enterprise, 7,500 IOPS per TiB.</summary>
    [JsonStringEnumMemberName("enterprise")]
    Enterprise,

    /// <summary>FLASH Ultra, 15,000 IOPS per TiB.</summary>
    [JsonStringEnumMemberName("ultra")]
    Ultra,

    /// <summary>MASS STORAGE Archive, no performance commitment.</summary>
    [JsonStringEnumMemberName("mass")]
    Mass,
}

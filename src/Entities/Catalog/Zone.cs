namespace CloudTemple.Operator.Entities.Catalog;

/// <summary>The availability zones of region FR1 (rule G1).</summary>
public enum Zone
{
    /// <summary>PAR7S (FR1-AZ05).</summary>
    PAR7S,

    /// <summary>TH3S (FR1-AZ06).</summary>
    TH3S,

    /// <summary>AZ07 (FR1-AZ07, DATA4).</summary>
    AZ07,
}

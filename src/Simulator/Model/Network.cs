using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>A layer-2 VLAN on VPLS (N1–N5).</summary>
/// <param name="Id">Platform id.</param>
/// <param name="Name">Name.</param>
/// <param name="TenantId">Owner tenant.</param>
/// <param name="Dot1QId">The 802.1Q id, 1–4094, chosen by the platform, unique per tenant (N5).</param>
/// <param name="Zones">Zones it spans (N2).</param>
/// <param name="CpoolIds">Cpools of the owner tenant it reaches (N2).</param>
/// <param name="SharedWithTenantIds">Tenants of the same organization it is propagated to (N3).</param>
/// <param name="State">Creating, ready or deleting.</param>
public sealed record Vlan(
    string Id,
    string Name,
    string TenantId,
    int Dot1QId,
    IReadOnlyList<Zone> Zones,
    IReadOnlyList<string> CpoolIds,
    IReadOnlyList<string> SharedWithTenantIds,
    ProvisioningState State)
{
    /// <summary>Lowest 802.1Q id.</summary>
    public const int MinimumDot1QId = 1;

    /// <summary>Highest 802.1Q id.</summary>
    public const int MaximumDot1QId = 4094;
}

/// <summary>What a VLAN create or update asks for.</summary>
/// <param name="Name">Name.</param>
/// <param name="Zones">At least one zone.</param>
/// <param name="CpoolIds">Cpools of the tenant.</param>
/// <param name="SharedWithTenantIds">Tenants of the same organization (N3).</param>
/// <param name="Dot1QId">Must stay null: the platform chooses the id (N5).</param>
public sealed record VlanRequest(
    string Name,
    IReadOnlyList<Zone> Zones,
    IReadOnlyList<string>? CpoolIds = null,
    IReadOnlyList<string>? SharedWithTenantIds = null,
    int? Dot1QId = null);

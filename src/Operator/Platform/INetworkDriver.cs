using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>VLANs: the 802.1Q id is chosen by the platform.</summary>
public interface INetworkDriver
{
    /// <summary>Orders a VLAN.</summary>
    Task<PlatformOperation> CreateVlanAsync(VlanSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Changes a VLAN's zones, Cpools or sharing.</summary>
    Task<PlatformOperation> UpdateVlanAsync(string vlanId, VlanSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Deletes a VLAN.</summary>
    Task<PlatformOperation> DeleteVlanAsync(string vlanId, CancellationToken cancellationToken = default);

    /// <summary>Reads a VLAN. Throws <see cref="PlatformNotFoundException"/> when it does not exist.</summary>
    Task<VlanObservation> GetVlanAsync(string vlanId, CancellationToken cancellationToken = default);

    /// <summary>The VLAN of this name (not being deleted), or null.</summary>
    Task<VlanObservation?> FindVlanByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The ids of the tenants of the caller's organization, its own included: the only tenants a VLAN may reach (N3).</summary>
    Task<IReadOnlyList<string>> GetOrganizationTenantsAsync(CancellationToken cancellationToken = default);
}

/// <summary>What a VLAN should be.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Zones">Its zones (≥ 1).</param>
/// <param name="CpoolIds">The Cpools it reaches.</param>
/// <param name="SharedWithTenantIds">Other tenants of the organization it is shared with (N3).</param>
public sealed record VlanSpecification(string Name, IReadOnlyList<Zone> Zones, IReadOnlyList<string> CpoolIds, IReadOnlyList<string> SharedWithTenantIds);

/// <summary>A VLAN as observed.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="VlanId">Its 802.1Q id; null when the platform does not show it (the console API does not).</param>
/// <param name="Zones">Its zones.</param>
/// <param name="CpoolIds">The Cpools it reaches.</param>
/// <param name="Tenants">The tenants it reaches: the owner, then those it is shared with; null when the platform does not show them.</param>
/// <param name="State">Its life-cycle state.</param>
/// <param name="Billing">What it consumes.</param>
public sealed record VlanObservation(
    string Id,
    string Name,
    int? VlanId,
    IReadOnlyList<Zone> Zones,
    IReadOnlyList<string> CpoolIds,
    IReadOnlyList<string>? Tenants,
    ResourceState State,
    IReadOnlyList<BillingItem> Billing);

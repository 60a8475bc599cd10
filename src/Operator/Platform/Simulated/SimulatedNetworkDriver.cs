using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>VLANs on the simulated platform (provisioning API: the public network route has no 802.1Q id).</summary>
internal sealed class SimulatedNetworkDriver(PlatformSession session) : INetworkDriver
{
    private const string Vlans = "api/simulator/v1/vlans";

    public Task<PlatformOperation> CreateVlanAsync(VlanSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        return session.WriteAsync(HttpMethod.Post, Vlans, Body(specification), new($"create VLAN '{specification.Name}'", "vlan", Name: specification.Name), cancellationToken);
    }

    public Task<PlatformOperation> UpdateVlanAsync(string vlanId, VlanSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        return session.WriteAsync(HttpMethod.Put, Path(vlanId), Body(specification), new($"update of VLAN {vlanId}", "vlan", ResourceId: vlanId), cancellationToken);
    }

    public Task<PlatformOperation> DeleteVlanAsync(string vlanId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Delete, Path(vlanId), null, new($"deletion of VLAN {vlanId}", "vlan", ResourceId: vlanId), cancellationToken);

    public async Task<VlanObservation> GetVlanAsync(string vlanId, CancellationToken cancellationToken = default)
    {
        var view = await session.ItemAsync<VlanView>(Vlans, vlanId, v => v.Id, cancellationToken).ConfigureAwait(false);
        return Observe(view);
    }

    public async Task<VlanObservation?> FindVlanByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<VlanView>(Vlans, "vlan", name, v => v.Id, v => v.Name == name && v.State != ResourceState.Deleting, cancellationToken).ConfigureAwait(false);
        return found is null ? null : Observe(found);
    }

    private static VlanObservation Observe(VlanView view) =>
        new(
            view.Id,
            view.Name,
            view.Dot1QId,
            view.Zones,
            view.CpoolIds ?? [],
            [view.TenantId, .. view.SharedWithTenantIds ?? []],
            view.State,
            Views.Billing(view.Billing));

    public async Task<IReadOnlyList<string>> GetOrganizationTenantsAsync(CancellationToken cancellationToken = default) =>
        (await session.GetAsync<OrganizationView>("/api/simulator/v1/organization", cancellationToken).ConfigureAwait(false)).TenantIds;

    private static string Path(string vlanId) => $"{Vlans}/{Uri.EscapeDataString(vlanId)}";

    private sealed record OrganizationView(string OrganizationId, string OrganizationName, IReadOnlyList<string> TenantIds);

    private static object Body(VlanSpecification s) => new
    {
        name = s.Name,
        zones = s.Zones,
        cpoolIds = s.CpoolIds,
        sharedWithTenantIds = s.SharedWithTenantIds,
    };
}

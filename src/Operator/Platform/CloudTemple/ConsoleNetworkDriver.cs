using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// VLANs on the console API: a VLAN is a network (<c>/api/compute/v1/vcenters/networks</c>). It reads
/// the hosts that carry it (hence its Cpools and zones); it shows neither the 802.1Q id nor the
/// tenants it is shared with. Creating and changing VLANs are console orders, and no API deletes a
/// network yet: they throw <see cref="ManualOrderRequiredException"/> and send nothing.
/// </summary>
internal sealed class ConsoleNetworkDriver(PlatformSession session) : INetworkDriver
{
    private const string Networks = "api/compute/v1/vcenters/networks";

    public Task<PlatformOperation> CreateVlanAsync(VlanSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        throw ManualOrders.CreateVlan(specification);
    }

    public Task<PlatformOperation> UpdateVlanAsync(string vlanId, VlanSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        throw ManualOrders.ChangeVlan(vlanId, specification);
    }

    public Task<PlatformOperation> DeleteVlanAsync(string vlanId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.DeleteVlan(vlanId);

    public async Task<VlanObservation> GetVlanAsync(string vlanId, CancellationToken cancellationToken = default)
    {
        var network = await session.ItemAsync<NetworkView>(Networks, vlanId, n => n.Id, cancellationToken).ConfigureAwait(false);
        return await ObserveAsync(network, cancellationToken).ConfigureAwait(false);
    }

    public async Task<VlanObservation?> FindVlanByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<NetworkView>(Networks, "vlan", name, n => n.Id, n => n.Name == name, cancellationToken).ConfigureAwait(false);
        return found is null ? null : await ObserveAsync(found, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<string>> GetOrganizationTenantsAsync(CancellationToken cancellationToken = default) =>
        throw new PlatformUnavailableException("The console API does not list the tenants of an organization; the platform's own refusal applies (N3)");

    private async Task<VlanObservation> ObserveAsync(NetworkView network, CancellationToken cancellationToken)
    {
        var topology = await ConsoleTopology.ReadAsync(session, cancellationToken).ConfigureAwait(false);
        var cpools = topology.ClustersOf(network.HostNames);
        return new VlanObservation(network.Id, network.Name, VlanId: null, topology.ZonesOf(cpools), cpools, Tenants: null, ResourceState.Ready, Billing: []);
    }
}

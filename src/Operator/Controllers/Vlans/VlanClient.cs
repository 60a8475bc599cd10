using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Vlans;

/// <summary>
/// A Vlan on a platform whose API can do everything (the simulated one): created with its zones,
/// Cpools and the tenants it is shared with, changed in place, deleted. The 802.1Q id is the
/// platform's choice (N5) and is reported in status.
/// </summary>
public class VlanClient(IPlatform platform, ReconcileContext<Vlan> context, ResolvedReferences references)
    : ExternalClient<Vlan, VlanObservation>(context, references)
{
    protected INetworkDriver Network { get; } = platform.Network;

    public override async Task<Observation<VlanObservation>?> ObserveAsync(string id, CancellationToken cancellationToken) =>
        Observe(await OrNullAsync(Network.GetVlanAsync(id, cancellationToken)).ConfigureAwait(false));

    public override async Task<Observation<VlanObservation>?> FindAsync(CancellationToken cancellationToken) =>
        Observe(await Network.FindVlanByNameAsync(Entity.Metadata.Name, cancellationToken).ConfigureAwait(false));

    public override Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken) =>
        Network.CreateVlanAsync(Specification(), cancellationToken);

    public override IAsyncEnumerable<Change> PlanAsync(Observation<VlanObservation> observed, CancellationToken cancellationToken)
    {
        var (vlan, desired) = (observed.Resource, Specification());
        var inLine = desired.Zones.Order().SequenceEqual(vlan.Zones.Order())
            && desired.CpoolIds.Order(StringComparer.Ordinal).SequenceEqual(vlan.CpoolIds.Order(StringComparer.Ordinal))
            && desired.SharedWithTenantIds.Order(StringComparer.Ordinal).SequenceEqual((vlan.Tenants ?? []).Skip(1).Order(StringComparer.Ordinal));
        Change[] plan = inLine
            ? []
            : [new Change("Updating", $"Updating VLAN {vlan.Id}'s zones, Cpools and tenants to the spec's", ct => Network.UpdateVlanAsync(vlan.Id, desired, ct)) { ManualOrder = ChangeOrder(vlan.Id, desired) }];
        return plan.ToAsyncEnumerable();
    }

    public override Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Network.DeleteVlanAsync(id, cancellationToken);

    public override void Report(Observation<VlanObservation> observed)
    {
        var (vlan, status) = (observed.Resource, Entity.Status!);
        status.VlanId = vlan.VlanId;
        status.AvailabilityZones = [.. vlan.Zones];
        status.Tenants = [.. vlan.Tenants ?? []];
        status.Billing = Billing(vlan.Billing);
    }

    /// <summary>The order to place for a change the API cannot make; null: the API makes it.</summary>
    protected virtual string? ChangeOrder(string vlanId, VlanSpecification desired) => null;

    /// <summary>The VLAN the spec asks for, with the platform ids of its Cpools.</summary>
    protected VlanSpecification Specification()
    {
        var spec = Entity.Spec;
        return new VlanSpecification(Entity.Metadata.Name, spec.AvailabilityZones, [.. spec.CpoolRefs.Select(r => References.IdOf<Cpool>(r.Name))], spec.SharedWithTenants);
    }

    private static Observation<VlanObservation>? Observe(VlanObservation? vlan) =>
        vlan is null
            ? null
            : new(vlan, vlan.Id)
            {
                Busy = vlan.State != ResourceState.Ready,
                NotShown = [.. vlan.VlanId is null ? ["status.vlanId"] : Array.Empty<string>(), .. vlan.Tenants is null ? ["spec.sharedWithTenants"] : Array.Empty<string>()],
            };
}

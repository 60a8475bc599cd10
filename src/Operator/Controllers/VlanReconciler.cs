using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// Vlan: a layer-2 segment over zones and Cpools, shared with tenants of the same organization.
/// The 802.1Q id is the platform's choice (N5) and is reported in status.
/// </summary>
public sealed class VlanReconciler(IPlatformConnections connections, CredentialsResolver credentials, INamespaceView view, ReconcilerOptions? options = null)
    : PlatformReconciler<Vlan, VlanObservation>(connections, credentials, view, options)
{
    protected override string Noun => "VLAN";

    protected override Task<VlanObservation> GetAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Network.GetVlanAsync(id, cancellationToken);

    protected override Task<VlanObservation?> FindByNameAsync(IPlatform platform, Vlan entity, CancellationToken cancellationToken) =>
        platform.Network.FindVlanByNameAsync(entity.Metadata.Name, cancellationToken);

    protected override string IdOf(VlanObservation observation) => observation.Id;

    protected override bool IsBusy(VlanObservation observation) => observation.State != ResourceState.Ready;

    protected override async Task<bool> ReferencesReadyAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken) =>
        await SpecificationAsync(context, cancellationToken).ConfigureAwait(false) is not null;

    protected override async Task<PlatformOperation> CreateAsync(IPlatform platform, ReconcileContext<Vlan> context, CancellationToken cancellationToken)
    {
        var specification = await SpecificationAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("References were checked before the create.");
        return await platform.Network.CreateVlanAsync(specification, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<PlatformOperation?> UpdateAsync(IPlatform platform, ReconcileContext<Vlan> context, VlanObservation observed, CancellationToken cancellationToken)
    {
        var desired = await SpecificationAsync(context, cancellationToken).ConfigureAwait(false);
        if (desired is null)
        {
            return null;
        }

        var inLine = desired.Zones.Order().SequenceEqual(observed.Zones.Order())
            && desired.CpoolIds.Order(StringComparer.Ordinal).SequenceEqual(observed.CpoolIds.Order(StringComparer.Ordinal))
            && desired.SharedWithTenantIds.Order(StringComparer.Ordinal).SequenceEqual((observed.Tenants ?? []).Skip(1).Order(StringComparer.Ordinal));
        return inLine ? null : await platform.Network.UpdateVlanAsync(observed.Id, desired, cancellationToken).ConfigureAwait(false);
    }

    protected override Task<PlatformOperation> DeleteAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Network.DeleteVlanAsync(id, cancellationToken);

    protected override IReadOnlyList<string> NotShown(VlanObservation observed) =>
        [
            .. observed.VlanId is null ? ["status.vlanId"] : Array.Empty<string>(),
            .. observed.Tenants is null ? ["spec.sharedWithTenants"] : Array.Empty<string>(),
        ];

    protected override void Report(ReconcileContext<Vlan> context, VlanObservation observed)
    {
        var status = context.Entity.Status!;
        status.VlanId = observed.VlanId;
        status.AvailabilityZones = [.. observed.Zones];
        status.Tenants = [.. observed.Tenants ?? []];
        status.Billing = Billing(observed.Billing);
    }

    private async Task<VlanSpecification?> SpecificationAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken)
    {
        var spec = context.Entity.Spec;
        var cpools = await ResolveReferencesAsync<Cpool>(context, spec.CpoolRefs.Select(r => r.Name), cancellationToken).ConfigureAwait(false);
        return cpools is null ? null : new VlanSpecification(context.Entity.Metadata.Name, spec.AvailabilityZones, cpools, spec.SharedWithTenants);
    }
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.VmReplications;

/// <summary>
/// A VmReplication on a platform whose API can do everything (the simulated one): created for the
/// VM on the referenced standby Cpool and volume, failed over when spec.failover turns true, deleted.
/// The platform has no call to change a replication's RPO or targets: a difference is reported, not
/// acted on; the VM of a replication never changes. Its VM, the VMs on the standby Cpool, the Cpool
/// and the volume are read with it, for CapacityReserved and SnapshotHealthy.
/// </summary>
public class VmReplicationClient(IPlatform platform, ReconcileContext<VmReplication> context, ResolvedReferences references)
    : ExternalClient<VmReplication, VmReplicationView>(context, references)
{
    public override async Task<Observation<VmReplicationView>?> ObserveAsync(string id, CancellationToken cancellationToken) =>
        await OrNullAsync(platform.Replication.GetReplicationAsync(id, cancellationToken)).ConfigureAwait(false) is { } replication
            ? await ObserveAsync(replication, cancellationToken).ConfigureAwait(false)
            : null;

    public override async Task<Observation<VmReplicationView>?> FindAsync(CancellationToken cancellationToken) =>
        await platform.Replication.FindReplicationByVirtualMachineAsync(Entity.Spec.VirtualMachine, cancellationToken).ConfigureAwait(false) is { } found
            ? await ObserveAsync(found, cancellationToken).ConfigureAwait(false)
            : null;

    public override Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken) =>
        platform.Replication.CreateReplicationAsync(Specification(), cancellationToken);

    public override IAsyncEnumerable<Change> PlanAsync(Observation<VmReplicationView> observed, CancellationToken cancellationToken)
    {
        var replication = observed.Resource.Replication;
        Change[] plan = Entity.Spec.Failover && replication.Phase != VmReplicationPhase.FailedOver
            ? [new Change("FailingOver", $"Activating the mirror of VM '{replication.VirtualMachine}' at the standby site (V4)", ct => platform.Replication.FailoverAsync(replication.Id, ct))]
            : [];
        return plan.ToAsyncEnumerable();
    }

    public override Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken) =>
        platform.Replication.DeleteReplicationAsync(id, cancellationToken);

    public override void Report(Observation<VmReplicationView> observed)
    {
        var replication = observed.Resource.Replication;
        var status = Entity.Status!;
        status.Phase = replication.Phase;
        status.LastSyncTime = replication.LastSyncTime?.UtcDateTime;
        status.SourceAvailabilityZone = replication.SourceZone.ToString();
        status.TargetAvailabilityZone = replication.TargetZone.ToString();
        status.Billing = Billing(replication.Billing);
        VmReplicationConditions.ReportCapacity(Conditions, Entity.Spec.VirtualMachine, observed.Resource);
        VmReplicationConditions.ReportSnapshots(Conditions, Events, Entity.Spec.VirtualMachine, replication.Phase);
    }

    /// <summary>The replication the spec asks for, with the platform ids of its standby Cpool and volume.</summary>
    protected VmReplicationSpecification Specification()
    {
        var spec = Entity.Spec;
        return new VmReplicationSpecification(
            spec.VirtualMachine, References.IdOf<Cpool>(spec.TargetCpoolRef.Name), References.IdOf<BlockVolume>(spec.TargetBlockVolumeRef.Name), spec.RpoHours);
    }

    private async Task<Observation<VmReplicationView>> ObserveAsync(VmReplicationObservation replication, CancellationToken cancellationToken)
    {
        var inventory = await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);

        // A standby Cpool or volume that is gone is reported by CapacityReserved.
        var cpool = await OrNullAsync(platform.Compute.GetCpoolAsync(replication.TargetCpoolId, cancellationToken)).ConfigureAwait(false);
        var volume = await OrNullAsync(platform.Storage.GetVolumeAsync(replication.TargetVolumeId, cancellationToken)).ConfigureAwait(false);
        var view = new VmReplicationView(
            replication,
            inventory.FirstOrDefault(v => v.Name == replication.VirtualMachine),
            [.. inventory.Where(v => v.CpoolId == replication.TargetCpoolId)],
            cpool,
            volume);
        var wanted = Entity.Spec.VirtualMachine;
        return new(view, replication.Id)
        {
            Busy = replication.State != ResourceState.Ready,
            CannotChangeInPlace = string.Equals(wanted, replication.VirtualMachine, StringComparison.Ordinal)
                ? null
                : $"spec.virtualMachine is {wanted} but this replication copies {replication.VirtualMachine}: the VM of a replication cannot change; create another VmReplication.",
        };
    }
}

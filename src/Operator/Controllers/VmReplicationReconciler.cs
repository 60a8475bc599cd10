using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// What the VmReplication reconciler reads on the platform: the replication, and what its
/// conditions are about — the VM, the standby Cpool and the target volume (V2, V3).
/// </summary>
/// <param name="Replication">The replication.</param>
/// <param name="VirtualMachine">The replicated VM, when the inventory still has it.</param>
/// <param name="VirtualMachinesOnTarget">The VMs running on the standby Cpool now.</param>
/// <param name="TargetCpool">The standby Cpool, when it still exists.</param>
/// <param name="TargetVolume">The target volume, when it still exists.</param>
public sealed record VmReplicationView(
    VmReplicationObservation Replication,
    VirtualMachineObservation? VirtualMachine,
    IReadOnlyList<VirtualMachineObservation> VirtualMachinesOnTarget,
    CpoolObservation? TargetCpool,
    VolumeObservation? TargetVolume);

/// <summary>
/// VmReplication: one VM replicated to a standby Cpool and volume every rpoHours (V1), failed over
/// declaratively when spec.failover turns true (V4; never back: a failover is not undone by the
/// operator). The platform knows a replication by its VM, which has at most one. Conditions:
/// <c>CapacityReserved</c> (V3: the standby Cpool's free memory and the volume's free space, in
/// figures) and <c>SnapshotHealthy</c> (V2: False when the VM cannot close its snapshot — reported,
/// never forced).
/// </summary>
public sealed class VmReplicationReconciler(IPlatformConnections connections, CredentialsResolver credentials, INamespaceView view, ReconcilerOptions? options = null)
    : PlatformReconciler<VmReplication, VmReplicationView>(connections, credentials, view, options)
{
    /// <summary>Condition type of V3: compute, memory and space are reserved at the standby site.</summary>
    public const string CapacityReserved = "CapacityReserved";

    /// <summary>Condition type of V2: the VM closes its replication snapshots.</summary>
    public const string SnapshotHealthy = "SnapshotHealthy";

    protected override string? CannotChangeInPlace(VmReplication entity, VmReplicationView observed) =>
        string.Equals(entity.Spec.VirtualMachine, observed.Replication.VirtualMachine, StringComparison.Ordinal)
            ? null
            : $"spec.virtualMachine is {entity.Spec.VirtualMachine} but this replication copies {observed.Replication.VirtualMachine}: the VM of a replication cannot change; create another VmReplication.";

    protected override string Noun => "VM replication";

    protected override async Task<VmReplicationView> GetAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        await ViewAsync(platform, await platform.Replication.GetReplicationAsync(id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    protected override async Task<VmReplicationView?> FindByNameAsync(IPlatform platform, VmReplication entity, CancellationToken cancellationToken) =>
        await platform.Replication.FindReplicationByVirtualMachineAsync(entity.Spec.VirtualMachine, cancellationToken).ConfigureAwait(false) is { } found
            ? await ViewAsync(platform, found, cancellationToken).ConfigureAwait(false)
            : null;

    protected override string IdOf(VmReplicationView observation) => observation.Replication.Id;

    protected override bool IsBusy(VmReplicationView observation) => observation.Replication.State != ResourceState.Ready;

    protected override async Task<bool> ReferencesReadyAsync(ReconcileContext<VmReplication> context, CancellationToken cancellationToken) =>
        await TargetsAsync(context, cancellationToken).ConfigureAwait(false) is not null;

    protected override async Task<PlatformOperation> CreateAsync(IPlatform platform, ReconcileContext<VmReplication> context, CancellationToken cancellationToken)
    {
        var (cpool, volume) = await TargetsAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("References were checked before the create.");
        var spec = context.Entity.Spec;
        return await platform.Replication.CreateReplicationAsync(new VmReplicationSpecification(spec.VirtualMachine, cpool, volume, spec.RpoHours), cancellationToken).ConfigureAwait(false);
    }

    protected override async Task<PlatformOperation?> UpdateAsync(IPlatform platform, ReconcileContext<VmReplication> context, VmReplicationView observed, CancellationToken cancellationToken)
    {
        var replication = observed.Replication;
        if (context.Entity.Spec.Failover && replication.Phase != VmReplicationPhase.FailedOver)
        {
            context.Events.Publish(warning: false, "FailingOver", "Failover", $"Activating the mirror of VM '{replication.VirtualMachine}' at the standby site (V4).");
            return await platform.Replication.FailoverAsync(replication.Id, cancellationToken).ConfigureAwait(false);
        }

        // The platform has no call to change a replication's RPO or targets: a difference is reported, not acted on.
        return null;
    }

    protected override Task<PlatformOperation> DeleteAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Replication.DeleteReplicationAsync(id, cancellationToken);

    protected override void Report(ReconcileContext<VmReplication> context, VmReplicationView observed)
    {
        var replication = observed.Replication;
        var status = context.Entity.Status!;
        status.Phase = replication.Phase;
        status.LastSyncTime = replication.LastSyncTime?.UtcDateTime;
        status.SourceAvailabilityZone = replication.SourceZone.ToString();
        status.TargetAvailabilityZone = replication.TargetZone.ToString();
        status.Billing = Billing(replication.Billing);
        ReportCapacity(context, observed);
        ReportSnapshots(context, observed);
    }

    // V3: the standby Cpool must hold the VM's memory besides what already runs there, and the target volume must have room.
    private static void ReportCapacity(ReconcileContext<VmReplication> context, VmReplicationView observed)
    {
        var vm = observed.VirtualMachine;
        var name = context.Entity.Spec.VirtualMachine;
        if (observed.Replication.Phase == VmReplicationPhase.FailedOver)
        {
            context.Conditions.Set(CapacityReserved, ConditionStatus.True, "FailedOver", $"VM '{name}' runs at the standby site on the capacity reserved for it.");
            return;
        }

        if (vm is null || observed.TargetCpool is not { } cpool || observed.TargetVolume is not { } volume)
        {
            var missing = vm is null ? $"VM '{name}' is not in the inventory" : observed.TargetCpool is null ? "the standby Cpool is gone" : "the target volume is gone";
            context.Conditions.Set(CapacityReserved, ConditionStatus.Unknown, "NotMeasurable", $"The standby capacity cannot be measured: {missing}.");
            return;
        }

        var used = observed.VirtualMachinesOnTarget.Where(v => v.Name != vm.Name).Sum(v => (long)v.MemoryGiB);
        var freeMemory = cpool.MemoryGiB - used;
        var figures = $"standby Cpool '{cpool.Name}' has {freeMemory} GiB of memory free of its {cpool.MemoryGiB} GiB, VM '{vm.Name}' needs {vm.MemoryGiB} GiB; target volume '{volume.Name}' has {volume.FreeGiB} GiB free";
        if (freeMemory < vm.MemoryGiB)
        {
            context.Conditions.Set(CapacityReserved, ConditionStatus.False, "InsufficientMemory", $"Recovery needs memory reserved at the standby site (V3): {figures}.");
        }
        else if (volume.FreeGiB <= 0)
        {
            context.Conditions.Set(CapacityReserved, ConditionStatus.False, "InsufficientSpace", $"Recovery needs the same storage space at the standby site (V3): {figures}.");
        }
        else
        {
            context.Conditions.Set(CapacityReserved, ConditionStatus.True, "Reserved", $"The standby site covers the VM (V3): {figures}.");
        }
    }

    // V2: a VM that writes all the time cannot close its snapshot; the platform reports it as Degraded. It is never forced.
    private static void ReportSnapshots(ReconcileContext<VmReplication> context, VmReplicationView observed)
    {
        var name = context.Entity.Spec.VirtualMachine;
        switch (observed.Replication.Phase)
        {
            case VmReplicationPhase.Degraded:
                var known = context.Conditions[SnapshotHealthy] is { Status: ConditionStatus.False };
                context.Conditions.Set(SnapshotHealthy, ConditionStatus.False, "SnapshotNotClosing",
                    $"VM '{name}' writes constantly and cannot close its replication snapshot, so deltas do not reach the standby site (V2); the operator never forces it: reduce its writes or exclude them from replication.");
                if (!known)
                {
                    context.Events.Publish(warning: true, "SnapshotNotClosing", "Replicate", $"VM '{name}' cannot close its replication snapshot (V2).");
                }

                break;
            case VmReplicationPhase.InitialSync:
                context.Conditions.Set(SnapshotHealthy, ConditionStatus.Unknown, "InitialSync", $"The initial copy of VM '{name}' is running.");
                break;
            default:
                context.Conditions.Set(SnapshotHealthy, ConditionStatus.True, "SnapshotsClosing", $"VM '{name}' closes its replication snapshots.");
                break;
        }
    }

    private static async Task<VmReplicationView> ViewAsync(IPlatform platform, VmReplicationObservation replication, CancellationToken cancellationToken)
    {
        var inventory = await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        CpoolObservation? cpool = null;
        VolumeObservation? volume = null;
        try
        {
            cpool = await platform.Compute.GetCpoolAsync(replication.TargetCpoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException)
        {
            // Reported by CapacityReserved.
        }

        try
        {
            volume = await platform.Storage.GetVolumeAsync(replication.TargetVolumeId, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException)
        {
            // Reported by CapacityReserved.
        }

        return new VmReplicationView(
            replication,
            inventory.FirstOrDefault(v => v.Name == replication.VirtualMachine),
            [.. inventory.Where(v => v.CpoolId == replication.TargetCpoolId)],
            cpool,
            volume);
    }

    private async Task<(string CpoolId, string VolumeId)?> TargetsAsync(ReconcileContext<VmReplication> context, CancellationToken cancellationToken)
    {
        var spec = context.Entity.Spec;
        var cpool = await ResolveReferencesAsync<Cpool>(context, [spec.TargetCpoolRef.Name], cancellationToken).ConfigureAwait(false);
        if (cpool is null)
        {
            return null;
        }

        var volume = await ResolveReferencesAsync<BlockVolume>(context, [spec.TargetBlockVolumeRef.Name], cancellationToken).ConfigureAwait(false);
        return volume is null ? null : (cpool[0], volume[0]);
    }
}

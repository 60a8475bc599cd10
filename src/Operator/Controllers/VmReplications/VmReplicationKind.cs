using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.VmReplications;

/// <summary>
/// What a VmReplication reads on the platform: the replication, and what its conditions are about —
/// the VM, the standby Cpool and the target volume (V2, V3).
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
/// operator). The platform knows a replication by its VM, which has at most one. It references its
/// standby Cpool and target volume. Conditions: <see cref="CapacityReserved"/> and
/// <see cref="SnapshotHealthy"/>.
/// </summary>
public sealed class VmReplicationKind : ManagedKind<VmReplication, VmReplicationView>
{
    /// <summary>Condition type of V3: compute, memory and space are reserved at the standby site.</summary>
    public const string CapacityReserved = "CapacityReserved";

    /// <summary>Condition type of V2: the VM closes its replication snapshots.</summary>
    public const string SnapshotHealthy = "SnapshotHealthy";

    public override string Noun => "VM replication";

    public override IEnumerable<Reference> References(VmReplication entity) =>
        [Reference.To<Cpool>(entity.Spec.TargetCpoolRef.Name), Reference.To<BlockVolume>(entity.Spec.TargetBlockVolumeRef.Name)];

    public override ExternalClient<VmReplication, VmReplicationView> Connect(IPlatform platform, ReconcileContext<VmReplication> context, ResolvedReferences references) =>
        platform.Api == PlatformApi.Console
            ? new ConsoleVmReplicationClient(platform, context, references)
            : new VmReplicationClient(platform, context, references);
}

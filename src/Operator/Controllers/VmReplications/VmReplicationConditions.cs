using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.VmReplications;

/// <summary>The conditions a VmReplication reports from what the platform shows: CapacityReserved (V3) and SnapshotHealthy (V2).</summary>
internal static class VmReplicationConditions
{
    /// <summary>V3: the standby Cpool must hold the VM's memory besides what already runs there, and the target volume must have room.</summary>
    public static void ReportCapacity(ConditionSet conditions, string name, VmReplicationView observed)
    {
        const string CapacityReserved = VmReplicationKind.CapacityReserved;
        var vm = observed.VirtualMachine;
        if (observed.Replication.Phase == VmReplicationPhase.FailedOver)
        {
            conditions.Set(CapacityReserved, ConditionStatus.True, "FailedOver", $"VM '{name}' runs at the standby site on the capacity reserved for it.");
            return;
        }

        if (vm is null || observed.TargetCpool is not { } cpool || observed.TargetVolume is not { } volume)
        {
            var missing = vm is null ? $"VM '{name}' is not in the inventory" : observed.TargetCpool is null ? "the standby Cpool is gone" : "the target volume is gone";
            conditions.Set(CapacityReserved, ConditionStatus.Unknown, "NotMeasurable", $"The standby capacity cannot be measured: {missing}.");
            return;
        }

        var used = observed.VirtualMachinesOnTarget.Where(v => v.Name != vm.Name).Sum(v => (long)v.MemoryGiB);
        var freeMemory = cpool.MemoryGiB - used;
        var figures = $"standby Cpool '{cpool.Name}' has {freeMemory} GiB of memory free of its {cpool.MemoryGiB} GiB, VM '{vm.Name}' needs {vm.MemoryGiB} GiB; target volume '{volume.Name}' has {volume.FreeGiB} GiB free";
        if (freeMemory < vm.MemoryGiB)
        {
            conditions.Set(CapacityReserved, ConditionStatus.False, "InsufficientMemory", $"Recovery needs memory reserved at the standby site (V3): {figures}.");
        }
        else if (volume.FreeGiB <= 0)
        {
            conditions.Set(CapacityReserved, ConditionStatus.False, "InsufficientSpace", $"Recovery needs the same storage space at the standby site (V3): {figures}.");
        }
        else
        {
            conditions.Set(CapacityReserved, ConditionStatus.True, "Reserved", $"The standby site covers the VM (V3): {figures}.");
        }
    }

    /// <summary>V2: a VM that writes all the time cannot close its snapshot; the platform reports it as Degraded. It is never forced.</summary>
    public static void ReportSnapshots(ConditionSet conditions, IEventSink events, string name, VmReplicationPhase phase)
    {
        const string SnapshotHealthy = VmReplicationKind.SnapshotHealthy;
        switch (phase)
        {
            case VmReplicationPhase.Degraded:
                var known = conditions[SnapshotHealthy] is { Status: ConditionStatus.False };
                conditions.Set(SnapshotHealthy, ConditionStatus.False, "SnapshotNotClosing",
                    $"VM '{name}' writes constantly and cannot close its replication snapshot, so deltas do not reach the standby site (V2); the operator never forces it: reduce its writes or exclude them from replication.");
                if (!known)
                {
                    events.Publish(warning: true, "SnapshotNotClosing", "Replicate", $"VM '{name}' cannot close its replication snapshot (V2).");
                }

                break;
            case VmReplicationPhase.InitialSync:
                conditions.Set(SnapshotHealthy, ConditionStatus.Unknown, "InitialSync", $"The initial copy of VM '{name}' is running.");
                break;
            default:
                conditions.Set(SnapshotHealthy, ConditionStatus.True, "SnapshotsClosing", $"VM '{name}' closes its replication snapshots.");
                break;
        }
    }
}

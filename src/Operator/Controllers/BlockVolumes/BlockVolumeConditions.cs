using System.Globalization;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.BlockVolumes;

/// <summary>The block volume's warning conditions, from what the platform shows: its Global Mirror, and its headroom (B7).</summary>
internal static class BlockVolumeConditions
{
    public static void ReportReplication(ConditionSet conditions, VolumeReplicationSpec? wanted, VolumeObservation observed)
    {
        switch (observed.Replication)
        {
            case null when wanted is null:
                conditions.Remove(BlockVolumeKind.Replicating);
                break;
            case null:
                conditions.Set(BlockVolumeKind.Replicating, ConditionStatus.False, "NotConfigured",
                    $"Global Mirror to {wanted!.TargetAvailabilityZone} is not set up on the platform yet.");
                break;
            case { State: MirrorState.Synchronizing } mirror:
                conditions.Set(BlockVolumeKind.Replicating, ConditionStatus.False, "Synchronizing",
                    $"The initial copy to replica {mirror.ReplicaVolumeId} in {mirror.TargetZone} is running (Global Mirror, RPO 15 min once consistent).");
                break;
            case { State: MirrorState.FailedOver } mirror:
                conditions.Set(BlockVolumeKind.Replicating, ConditionStatus.False, "FailedOver",
                    $"Replica {mirror.ReplicaVolumeId} in {mirror.TargetZone} has taken over and is presented to the standby Cpool {mirror.StandbyCpoolId} (rule B14).");
                break;
            case var mirror:
                var since = mirror.LastSyncTime is { } at ? $", last consistent at {at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}" : string.Empty;
                var unwanted = wanted is null ? " spec.replication is unset, but the operator does not stop a Global Mirror: ask the platform to remove it." : string.Empty;
                conditions.Set(BlockVolumeKind.Replicating, ConditionStatus.True, "Consistent",
                    $"Global Mirror to replica {mirror.ReplicaVolumeId} in {mirror.TargetZone} is consistent{since}; data is not encrypted during the transfer (rule B4).{unwanted}");
                break;
        }
    }

    // B7: free space must cover the .vswp files of the started VMs plus 10 % of the capacity for backup snapshots.
    public static void ReportHeadroom(ConditionSet conditions, VolumeObservation observed)
    {
        var snapshots = observed.SizeGiB * PlatformCatalog.SnapshotHeadroomFraction;
        var started = Math.Max(0m, observed.RequiredHeadroomGiB - snapshots);
        var figures = FormattableString.Invariant(
            $"{observed.FreeGiB} GiB free of {observed.CapacityGiB} GiB; needed {observed.RequiredHeadroomGiB:0.#} GiB: {started:0.#} GiB of memory of the started VMs (.vswp files) plus {snapshots:0.#} GiB (10 % of the capacity) for backup snapshots");
        if (observed.HeadroomSufficient)
        {
            conditions.Set(BlockVolumeKind.Headroom, ConditionStatus.True, "Sufficient", $"The datastore keeps its headroom (rule B7): {figures}.");
        }
        else
        {
            conditions.Set(BlockVolumeKind.Headroom, ConditionStatus.False, "Insufficient",
                $"The datastore lacks headroom (rule B7): {figures}. VMs may freeze or be corrupted: grow the volume or move VMs.");
        }
    }
}

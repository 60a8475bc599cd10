using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>State of a Global Mirror replication.</summary>
public enum GlobalMirrorState
{
    /// <summary>The initial copy to the replica is running.</summary>
    Synchronizing,

    /// <summary>The replica follows the source (RPO 15 min).</summary>
    Consistent,

    /// <summary>The replica is presented to the standby Cpool's hypervisors (B14).</summary>
    FailedOver,
}

/// <summary>Global Mirror replication of a volume to another zone (B10–B14).</summary>
/// <param name="TargetZone">Zone of the replica; never the source's (B12).</param>
/// <param name="StandbyCpoolId">Cpool in the target zone that takes over on failover (B14).</param>
/// <param name="ReplicaVolumeId">The replica: same size and class, in the target zone (B12).</param>
/// <param name="State">Synchronizing, consistent or failed over.</param>
/// <param name="LastSyncTime">When the replica was last consistent.</param>
public sealed record GlobalMirror(Zone TargetZone, string StandbyCpoolId, string ReplicaVolumeId, GlobalMirrorState State, DateTimeOffset? LastSyncTime);

/// <summary>A dedicated SAN LUN, used as a VMware datastore by Cpools of its tenant.</summary>
/// <param name="Id">Platform id.</param>
/// <param name="Name">Name.</param>
/// <param name="TenantId">Owner tenant (B6).</param>
/// <param name="Zone">Its zone.</param>
/// <param name="StorageClass">Performance class.</param>
/// <param name="SizeGiB">Capacity.</param>
/// <param name="CpoolIds">Cpools that mount it (B6).</param>
/// <param name="Replication">Global Mirror, if set up.</param>
/// <param name="ReplicaOf">For a replica, the source volume; hidden from hypervisors until failover (B13).</param>
/// <param name="State">Creating, ready or deleting.</param>
public sealed record BlockVolume(
    string Id,
    string Name,
    string TenantId,
    Zone Zone,
    StorageClass StorageClass,
    long SizeGiB,
    IReadOnlyList<string> CpoolIds,
    GlobalMirror? Replication,
    string? ReplicaOf,
    ProvisioningState State)
{
    /// <summary>Encryption of data at rest: always on, cannot be turned off; not applied to replication transfers (B4).</summary>
    public const string Encryption = "XTS-AES-256 (FIPS 140-2)";

    /// <summary>IOPS limit: class IOPS per TiB × size in TiB; null for mass storage (B2, B5).</summary>
    public long? IopsLimit => PlatformCatalog.IopsLimit(StorageClass, SizeGiB);
}

/// <summary>Space figures of a datastore from the VMs it holds (B7).</summary>
/// <param name="CapacityGiB">Capacity.</param>
/// <param name="UsedGiB">Space of the VMs' disks.</param>
/// <param name="FreeGiB">Capacity minus used.</param>
/// <param name="StartedVmMemoryGiB">Memory of its powered-on VMs (.vswp files, C7).</param>
/// <param name="RequiredHeadroomGiB">.vswp space plus 10 % of capacity for backup snapshots (B7).</param>
/// <param name="HeadroomSufficient">Free space covers the required headroom (B7).</param>
public sealed record VolumeUsage(long CapacityGiB, long UsedGiB, long FreeGiB, long StartedVmMemoryGiB, decimal RequiredHeadroomGiB, bool HeadroomSufficient);

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>Block volumes (datastores): create, grow, mount on Cpools, Global Mirror and its failover.</summary>
public interface IStorageDriver
{
    /// <summary>Orders a block volume.</summary>
    Task<PlatformOperation> CreateVolumeAsync(VolumeSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Changes a volume's class or grows it (B8: never shrinks).</summary>
    Task<PlatformOperation> UpdateVolumeAsync(string volumeId, StorageClass storageClass, long sizeGiB, CancellationToken cancellationToken = default);

    /// <summary>Presents the volume to a Cpool as a datastore (B6).</summary>
    Task<PlatformOperation> MountAsync(string volumeId, string cpoolId, CancellationToken cancellationToken = default);

    /// <summary>Removes the volume from a Cpool.</summary>
    Task<PlatformOperation> UnmountAsync(string volumeId, string cpoolId, CancellationToken cancellationToken = default);

    /// <summary>Starts Global Mirror to another zone (B10–B13).</summary>
    Task<PlatformOperation> EnableGlobalMirrorAsync(string volumeId, GlobalMirrorSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Fails the volume over to its replica.</summary>
    Task<PlatformOperation> FailoverAsync(string volumeId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a volume (and its replica).</summary>
    Task<PlatformOperation> DeleteVolumeAsync(string volumeId, CancellationToken cancellationToken = default);

    /// <summary>Reads a volume. Throws <see cref="PlatformNotFoundException"/> when it does not exist.</summary>
    Task<VolumeObservation> GetVolumeAsync(string volumeId, CancellationToken cancellationToken = default);

    /// <summary>The volume of this name (not being deleted), or null.</summary>
    Task<VolumeObservation?> FindVolumeByNameAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>What a block volume should be.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Zone">Its zone.</param>
/// <param name="StorageClass">Its class.</param>
/// <param name="SizeGiB">Its size (≥ 500).</param>
public sealed record VolumeSpecification(string Name, Zone Zone, StorageClass StorageClass, long SizeGiB);

/// <summary>A Global Mirror to set up.</summary>
/// <param name="TargetZone">The zone of the replica.</param>
/// <param name="StandbyCpoolId">The Cpool the replica is presented to on failover.</param>
/// <param name="Mode">Async (Sync is refused, B10).</param>
public sealed record GlobalMirrorSpecification(Zone TargetZone, string StandbyCpoolId, ReplicationMode Mode = ReplicationMode.Async);

/// <summary>Where a Global Mirror stands.</summary>
public enum MirrorState
{
    /// <summary>The initial copy is running.</summary>
    Synchronizing,

    /// <summary>The replica is consistent.</summary>
    Consistent,

    /// <summary>The replica has taken over.</summary>
    FailedOver,
}

/// <summary>A Global Mirror as observed.</summary>
/// <param name="State">Where it stands.</param>
/// <param name="TargetZone">The replica's zone.</param>
/// <param name="StandbyCpoolId">The standby Cpool.</param>
/// <param name="ReplicaVolumeId">The replica's id.</param>
/// <param name="LastSyncTime">The last consistent point.</param>
public sealed record MirrorObservation(MirrorState State, Zone TargetZone, string StandbyCpoolId, string ReplicaVolumeId, DateTimeOffset? LastSyncTime);

/// <summary>A block volume as the platform shows it, with the figures of the BlockVolume status.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Zone">Its zone; null when the platform does not show it (the console API shows it only through the mounting clusters).</param>
/// <param name="StorageClass">Its class; null when the platform does not show it (the console API shows it only in names).</param>
/// <param name="SizeGiB">Its ordered size.</param>
/// <param name="CapacityGiB">Its capacity (the datastore's maxCapacity, bytes → GiB).</param>
/// <param name="FreeGiB">Its free space (the datastore's freeCapacity, bytes → GiB).</param>
/// <param name="IopsLimit">Its IOPS limit (B2); null for mass storage.</param>
/// <param name="Encryption">Its at-rest encryption (B4); null when the platform does not show it.</param>
/// <param name="CpoolIds">The Cpools it is mounted on.</param>
/// <param name="Replication">Its Global Mirror, if any.</param>
/// <param name="ReplicaOf">For a replica, the source volume.</param>
/// <param name="RequiredHeadroomGiB">The free space it should keep (B7).</param>
/// <param name="HeadroomSufficient">Whether it keeps it.</param>
/// <param name="State">Its life-cycle state.</param>
/// <param name="Billing">What it consumes.</param>
public sealed record VolumeObservation(
    string Id,
    string Name,
    Zone? Zone,
    StorageClass? StorageClass,
    long SizeGiB,
    long CapacityGiB,
    long FreeGiB,
    long? IopsLimit,
    string? Encryption,
    IReadOnlyList<string> CpoolIds,
    MirrorObservation? Replication,
    string? ReplicaOf,
    decimal RequiredHeadroomGiB,
    bool HeadroomSufficient,
    ResourceState State,
    IReadOnlyList<BillingItem> Billing);

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Entities.Schema;
using k8s.Models;

namespace CloudTemple.Operator.Entities;

/// <summary>A dedicated SAN volume (LUN) of the tenant, mounted as a VMware datastore by Cpools.</summary>
[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = "BlockVolume", PluralName = "blockvolumes")]
[ShortNames("bv")]
[PrinterColumn("Zone", ".spec.availabilityZone")]
[PrinterColumn("Class", ".spec.storageClass")]
[PrinterColumn("Size", ".spec.sizeGiB", "integer", Description = "Size in GiB.")]
[PrinterColumn("IOPS", ".status.iopsLimit", "integer")]
[PrinterColumn("Free", ".status.freeGiB", "integer", Priority = 1, Description = "Free space in GiB.")]
public sealed class BlockVolume : CustomResource<BlockVolumeSpec, BlockVolumeStatus>;

/// <summary>The desired state of a BlockVolume.</summary>
public sealed class BlockVolumeSpec : ResourceSpec
{
    /// <summary>The availability zone of region FR1 the volume lives in. Immutable.</summary>
    [SchemaRequired]
    [Immutable]
    public Zone AvailabilityZone { get; set; }

    /// <summary>
    /// Performance class: essential (500 IOPS/TiB), standard (1,500), premium (3,000), enterprise
    /// (7,500), ultra (15,000) or mass (archive, no performance commitment). Flash classes can
    /// change into each other; flash and mass cannot change into each other (rule B8).
    /// </summary>
    [SchemaRequired]
    public StorageClass StorageClass { get; set; }

    /// <summary>
    /// Size in GiB, at least 500 and at most 65,536 (64 TiB, the largest VMFS datastore) (rule B1).
    /// A volume can grow, never shrink (rule B8).
    /// </summary>
    [SchemaRequired]
    [SchemaRange(PlatformCatalog.MinimumVolumeGiB, PlatformCatalog.MaximumVolumeGiB, Rule = "B1")]
    public long SizeGiB { get; set; }

    /// <summary>Cpools of this namespace, in the same zone, that mount the volume as a datastore (rule B6); at most 64, as vSphere mounts a datastore on at most 64 hosts.</summary>
    [SchemaListMap("name")]
    [SchemaMaxItems(ApiBounds.CpoolRefs)]
    public List<LocalObjectReference> CpoolRefs { get; set; } = [];

    /// <summary>Asynchronous replication of the volume to another zone (Global Mirror); only for the essential, standard and premium classes (rule B11).</summary>
    public VolumeReplicationSpec? Replication { get; set; }
}

/// <summary>Global Mirror replication of a volume to another zone of the region (rules B10–B14).</summary>
public sealed class VolumeReplicationSpec
{
    /// <summary>
    /// Async (Global Mirror: RPO 15 min, RTO under 4 h). Sync (Metro Mirror) is no longer sold
    /// since 2024-01-01 and is refused (rule B10).
    /// </summary>
    [SchemaRequired]
    public ReplicationMode Mode { get; set; }

    /// <summary>The zone that holds the replica, other than the volume's own (rule B12). Immutable.</summary>
    [SchemaRequired]
    [Immutable]
    public Zone TargetAvailabilityZone { get; set; }

    /// <summary>A Cpool of this namespace in the target zone, with the compute and memory reserved to take over on failover (rule B14).</summary>
    [SchemaRequired]
    public LocalObjectReference StandbyCpoolRef { get; set; } = new();

    /// <summary>True presents the replica to the standby Cpool's hypervisors (DRP activation or test). Default: false.</summary>
    [SchemaDefaulted]
    public bool Failover { get; set; }
}

/// <summary>Block replication modes.</summary>
public enum ReplicationMode
{
    /// <summary>Global Mirror, asynchronous.</summary>
    Async,

    /// <summary>Metro Mirror, synchronous: no longer sold.</summary>
    [RefusedValue("B10", "synchronous replication (Metro Mirror) is no longer sold since 2024-01-01; use Async (Global Mirror)")]
    Sync,
}

/// <summary>The observed state of a BlockVolume.</summary>
public sealed class BlockVolumeStatus : ResourceStatus
{
    /// <summary>Capacity of the volume on the platform, in GiB.</summary>
    [SchemaRange(0, PlatformCatalog.MaximumObservedCapacityGiB)]
    public long? CapacityGiB { get; set; }

    /// <summary>Free space of the datastore, in GiB.</summary>
    [SchemaRange(0, PlatformCatalog.MaximumObservedCapacityGiB)]
    public long? FreeGiB { get; set; }

    /// <summary>IOPS limit of the volume: the class's IOPS per TiB × the size in TiB (rule B2). Absent for mass storage.</summary>
    [SchemaRange(0, PlatformCatalog.MaximumIopsLimit)]
    public long? IopsLimit { get; set; }

    /// <summary>Encryption of data at rest: always XTS-AES-256 on FIPS 140-2 drives; not applied to replication transfers (rule B4).</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? Encryption { get; set; }

    /// <summary>State of the Global Mirror replication, when configured.</summary>
    public VolumeReplicationStatus? Replication { get; set; }
}

/// <summary>The observed state of a volume's replication.</summary>
public sealed class VolumeReplicationStatus
{
    /// <summary>The replication state reported by the platform, e.g. Synchronizing, Consistent, FailedOver.</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? State { get; set; }

    /// <summary>Platform id of the replica volume in the target zone.</summary>
    [SchemaLength(0, ApiBounds.NameLength)]
    public string? TargetExternalId { get; set; }

    /// <summary>When the replica was last consistent with the source.</summary>
    public DateTime? LastSyncTime { get; set; }
}

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Entities.Schema;
using k8s.Models;

namespace CloudTemple.Operator.Entities;

/// <summary>
/// Asynchronous replication of one VM to a standby site (VMware Replication): a hot initial copy,
/// then writes sent every rpoHours; on failover the mirror VM starts at the standby site.
/// </summary>
[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = "VmReplication", PluralName = "vmreplications")]
[ShortNames("vmr")]
[PrinterColumn("VM", ".spec.virtualMachine")]
[PrinterColumn("RPO", ".spec.rpoHours", "integer", Description = "Recovery point objective, in hours.")]
[PrinterColumn("Phase", ".status.phase")]
[PrinterColumn("Last Sync", ".status.lastSyncTime", "date", Priority = 1)]
public sealed class VmReplication : CustomResource<VmReplicationSpec, VmReplicationStatus>;

/// <summary>The desired state of a VmReplication.</summary>
public sealed class VmReplicationSpec : ResourceSpec
{
    /// <summary>Name of the VM to replicate. Immutable.</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.VirtualMachineNameLength)]
    [Immutable]
    public string VirtualMachine { get; set; } = string.Empty;

    /// <summary>A Cpool of this namespace at the standby site, with the compute and memory reserved to run the VM after failover (rule V3).</summary>
    [SchemaRequired]
    public LocalObjectReference TargetCpoolRef { get; set; } = new();

    /// <summary>A BlockVolume of this namespace at the standby site with as much space as the VM uses at the active site (rule V3).</summary>
    [SchemaRequired]
    public LocalObjectReference TargetBlockVolumeRef { get; set; } = new();

    /// <summary>Recovery point objective: how often writes are sent to the standby site, 1 to 24 hours (rule V1).</summary>
    [SchemaRequired]
    [SchemaRange(PlatformCatalog.MinimumRpoHours, PlatformCatalog.MaximumRpoHours, Rule = "V1")]
    public int RpoHours { get; set; }

    /// <summary>True activates the mirror VM at the standby site (rule V4). Default: false.</summary>
    [SchemaDefaulted]
    public bool Failover { get; set; }
}

/// <summary>The observed state of a VmReplication.</summary>
public sealed class VmReplicationStatus : ResourceStatus
{
    /// <summary>InitialSync during the first copy, then Replicating; FailedOver after a failover; Degraded when deltas do not get through.</summary>
    public VmReplicationPhase? Phase { get; set; }

    /// <summary>When the last delta reached the standby site.</summary>
    public DateTime? LastSyncTime { get; set; }

    /// <summary>The zone of the replicated VM.</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? SourceAvailabilityZone { get; set; }

    /// <summary>The zone of the standby site.</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? TargetAvailabilityZone { get; set; }
}

/// <summary>The life cycle of a VM replication.</summary>
public enum VmReplicationPhase
{
    /// <summary>The first copy of all active storage is running.</summary>
    InitialSync,

    /// <summary>Deltas are sent every rpoHours.</summary>
    Replicating,

    /// <summary>The mirror VM runs at the standby site.</summary>
    FailedOver,

    /// <summary>Deltas do not get through, e.g. because the VM cannot close its snapshot (rule V2).</summary>
    Degraded,
}

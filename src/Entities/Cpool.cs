using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Entities.Schema;
using k8s.Models;

namespace CloudTemple.Operator.Entities;

/// <summary>A compute pool: a VMware ESXi cluster of identical blades in one availability zone.</summary>
[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = "Cpool", PluralName = "cpools")]
[ShortNames("cp")]
[PrinterColumn("Zone", ".spec.availabilityZone")]
[PrinterColumn("Blade", ".spec.bladeType")]
[PrinterColumn("Hosts", ".status.hosts", "integer")]
[PrinterColumn("Memory", ".status.memoryGiB", "integer", Description = "Memory reserved, in GiB.")]
[PrinterColumn("Usage", ".status.memoryUsagePercent", "integer", Priority = 1, Description = "Average memory use per host, in percent.")]
public sealed class Cpool : CustomResource<CpoolSpec, CpoolStatus>;

/// <summary>The desired state of a Cpool.</summary>
public sealed class CpoolSpec : ResourceSpec
{
    /// <summary>The availability zone of region FR1 the cluster lives in (rule C3). Immutable.</summary>
    [SchemaRequired]
    [Immutable]
    public Zone AvailabilityZone { get; set; }

    /// <summary>
    /// The blade every host of the cluster is made of (rule C2): eco, standard, advance, perf1,
    /// perf2, perf3 or perf4 (with 2 NVIDIA L40S GPUs per host). Immutable: another blade type
    /// needs another Cpool.
    /// </summary>
    [SchemaRequired]
    [Immutable]
    public BladeType BladeType { get; set; }

    /// <summary>Number of hosts, 1 to 32 (rule C1); more than 32 needs a second Cpool. Fewer than 2 hosts means no HA restart and no 99.99 % SLA (rule C5).</summary>
    [SchemaRequired]
    [SchemaRange(PlatformCatalog.MinimumHosts, PlatformCatalog.MaximumHosts, Rule = "C1")]
    public int Hosts { get; set; }

    /// <summary>
    /// Memory reservation in GiB, between hosts × 128 and hosts × the blade's RAM (rule C4).
    /// Default: hosts × 128.
    /// </summary>
    [SchemaRange(PlatformCatalog.MinimumMemoryPerHostGiB, PlatformCatalog.MaximumCpoolMemoryGiB, Rule = "C4")]
    public int? MemoryGiB { get; set; }

    /// <summary>Whether vSphere HA restarts the VMs of a failed host on the others. Default: true.</summary>
    [SchemaDefaulted]
    public bool HighAvailability { get; set; } = true;

    /// <summary>
    /// The desired ESXi build. A change rolls the hosts one at a time and needs at least 2 hosts
    /// (rule C8). Unset: the platform's current build is kept.
    /// </summary>
    [SchemaLength(1, 64)]
    public string? HypervisorBuild { get; set; }

    /// <summary>VM-to-VM affinity and anti-affinity rules (rule C9), unique by name, at most 1,000.</summary>
    [SchemaListMap("name")]
    [SchemaMaxItems(ApiBounds.AffinityRulesPerCpool)]
    public List<AffinityRule> AffinityRules { get; set; } = [];
}

/// <summary>A VM-to-VM placement rule (rule C9); rules about hosts do not exist on the platform.</summary>
public sealed class AffinityRule
{
    /// <summary>Name of the rule, unique in the Cpool.</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.VirtualMachineNameLength)]
    public string Name { get; set; } = string.Empty;

    /// <summary>Affinity keeps the VMs on one host; AntiAffinity keeps them on different hosts.</summary>
    [SchemaRequired]
    public AffinityType Type { get; set; }

    /// <summary>Whether the rule is applied. Default: true.</summary>
    [SchemaDefaulted]
    public bool Enabled { get; set; } = true;

    /// <summary>Names of the VMs the rule covers, at least 2 and at most 1,024 (the most VMs one host runs).</summary>
    [SchemaRequired]
    [SchemaMinItems(2)]
    [SchemaMaxItems(ApiBounds.VirtualMachinesPerAffinityRule)]
    [SchemaItemLength(1, ApiBounds.VirtualMachineNameLength)]
    [SchemaListSet]
    public List<string> VirtualMachines { get; set; } = [];
}

/// <summary>The kind of a placement rule.</summary>
public enum AffinityType
{
    /// <summary>Keep the VMs together on one host.</summary>
    Affinity,

    /// <summary>Keep the VMs on different hosts.</summary>
    AntiAffinity,
}

/// <summary>The observed state of a Cpool.</summary>
public sealed class CpoolStatus : ResourceStatus
{
    /// <summary>Hosts in the cluster on the platform.</summary>
    [SchemaRange(0, PlatformCatalog.MaximumHosts)]
    public int? Hosts { get; set; }

    /// <summary>Memory reserved on the platform, in GiB.</summary>
    [SchemaRange(0, PlatformCatalog.MaximumCpoolMemoryGiB)]
    public int? MemoryGiB { get; set; }

    /// <summary>The largest memory reservation possible with these hosts: hosts × the blade's RAM, in GiB (rule C4).</summary>
    [SchemaRange(0, PlatformCatalog.MaximumCpoolMemoryGiB)]
    public int? MemoryMaxGiB { get; set; }

    /// <summary>Average memory use per host, in percent; above 85 the MemoryPressure condition is True (rule C6).</summary>
    [SchemaRange(0, 100)]
    public int? MemoryUsagePercent { get; set; }

    /// <summary>GPUs the cluster exposes: 2 NVIDIA L40S per perf4 host (rule C10).</summary>
    [SchemaRange(0, PlatformCatalog.MaximumCpoolGpus)]
    public int? Gpus { get; set; }

    /// <summary>The ESXi build the hosts run; while a roll is in progress, the build of the oldest host.</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? HypervisorBuild { get; set; }

    /// <summary>Number of VMs on the cluster.</summary>
    [SchemaRange(0, PlatformCatalog.MaximumVirtualMachinesPerCpool)]
    public int? VirtualMachines { get; set; }
}

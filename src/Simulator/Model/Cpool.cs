using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>An ESXi host of a Cpool.</summary>
/// <param name="Id">Platform id.</param>
/// <param name="EsxiBuild">The hypervisor build it runs.</param>
public sealed record EsxiHost(string Id, string EsxiBuild);

/// <summary>A VM-to-VM affinity or anti-affinity rule (C9).</summary>
/// <param name="Name">Name.</param>
/// <param name="Type">Join or separate.</param>
/// <param name="Enabled">Whether DRS applies it.</param>
/// <param name="VirtualMachines">The VMs it covers.</param>
public sealed record VmAffinityRule(string Name, AffinityType Type, bool Enabled, IReadOnlyList<string> VirtualMachines);

/// <summary>A rolling hypervisor update: hosts are updated one at a time (C8).</summary>
/// <param name="OperationId">The operation running it.</param>
/// <param name="TargetBuild">The build the hosts move to.</param>
/// <param name="HostsDone">Hosts already on the target build.</param>
/// <param name="HostsTotal">Hosts to update.</param>
public sealed record HypervisorUpdate(string OperationId, string TargetBuild, int HostsDone, int HostsTotal);

/// <summary>A Cpool: a VMware ESXi cluster of identical blades in one zone and one tenant (C1–C3).</summary>
/// <param name="Id">Platform id.</param>
/// <param name="Name">Name.</param>
/// <param name="TenantId">Owner tenant (C3).</param>
/// <param name="Zone">Its zone; cannot change (C3).</param>
/// <param name="BladeType">Blade of every host; cannot change (C2).</param>
/// <param name="Hosts">Its hosts.</param>
/// <param name="MemoryGiB">Memory reservation (C4).</param>
/// <param name="HighAvailability">Whether HA restart is asked for.</param>
/// <param name="AffinityRules">VM-to-VM rules (C9).</param>
/// <param name="State">Creating, ready or deleting.</param>
/// <param name="Update">The hypervisor update in flight or last done, if any.</param>
public sealed record Cpool(
    string Id,
    string Name,
    string TenantId,
    Zone Zone,
    BladeType BladeType,
    IReadOnlyList<EsxiHost> Hosts,
    int MemoryGiB,
    bool HighAvailability,
    IReadOnlyList<VmAffinityRule> AffinityRules,
    ProvisioningState State,
    HypervisorUpdate? Update)
{
    /// <summary>Smallest memory reservation allowed (C4).</summary>
    public int MemoryMinGiB => PlatformCatalog.MinimumMemoryGiB(Hosts.Count);

    /// <summary>Largest memory reservation allowed (C4).</summary>
    public int MemoryMaxGiB => PlatformCatalog.MaximumMemoryGiB(BladeType, Hosts.Count);

    /// <summary>GPUs exposed (C10).</summary>
    public int Gpus => PlatformCatalog.Gpus(BladeType, Hosts.Count);

    /// <summary>Whether HA restart and the 99.99 % SLA apply: at least 2 hosts (C5).</summary>
    public bool HighAvailabilityApplicable => Hosts.Count >= PlatformCatalog.HighAvailabilityMinimumHosts;

    /// <summary>The build all hosts run, or null while they differ (during a rolling update).</summary>
    public string? HypervisorBuild => Hosts.Select(h => h.EsxiBuild).Distinct().Count() == 1 ? Hosts[0].EsxiBuild : null;
}

/// <summary>What a Cpool create or update asks for (the desired state).</summary>
/// <param name="Name">Name.</param>
/// <param name="Zone">Zone; an update cannot change it (C3).</param>
/// <param name="BladeType">Blade; an update cannot change it (C2).</param>
/// <param name="Hosts">1 to 32 hosts (C1).</param>
/// <param name="MemoryGiB">Reservation; default hosts × 128 GiB (C4).</param>
/// <param name="HighAvailability">HA restart.</param>
/// <param name="AffinityRules">VM-to-VM rules (C9).</param>
public sealed record CpoolRequest(
    string Name,
    Zone Zone,
    BladeType BladeType,
    int Hosts,
    int? MemoryGiB = null,
    bool HighAvailability = true,
    IReadOnlyList<VmAffinityRule>? AffinityRules = null);

/// <summary>Memory use of one host: the memory of the VMs on it against its share of the reservation (C6).</summary>
/// <param name="HostId">The host.</param>
/// <param name="UsedGiB">Memory of the VMs it runs.</param>
/// <param name="ReservedGiB">Its share of the Cpool's memory reservation.</param>
/// <param name="UsePercent">Used × 100 / reserved.</param>
public sealed record HostMemoryUse(string HostId, int UsedGiB, decimal ReservedGiB, decimal UsePercent);

/// <summary>Figures of a Cpool computed from the VMs it runs (C6).</summary>
/// <param name="Hosts">Memory use per host.</param>
/// <param name="AverageUsePercent">Mean of the hosts' use.</param>
/// <param name="VirtualMachines">VMs it runs.</param>
/// <param name="MemoryPressure">Average use above 85 % (C6).</param>
public sealed record CpoolUsage(IReadOnlyList<HostMemoryUse> Hosts, decimal AverageUsePercent, int VirtualMachines, bool MemoryPressure);

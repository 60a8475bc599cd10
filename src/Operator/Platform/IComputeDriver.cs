using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>Cpools (VMware host clusters), their hypervisor updates, and the VM inventory (read only).</summary>
public interface IComputeDriver
{
    /// <summary>Orders a Cpool. Returns as soon as the platform accepted it.</summary>
    Task<PlatformOperation> CreateCpoolAsync(CpoolSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Changes a Cpool's hosts, memory, high availability or affinity rules.</summary>
    Task<PlatformOperation> UpdateCpoolAsync(string cpoolId, CpoolSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Rolls the hosts of a Cpool to another ESXi build, one by one (C8).</summary>
    Task<PlatformOperation> UpdateHypervisorAsync(string cpoolId, string build, CancellationToken cancellationToken = default);

    /// <summary>Deletes a Cpool.</summary>
    Task<PlatformOperation> DeleteCpoolAsync(string cpoolId, CancellationToken cancellationToken = default);

    /// <summary>Reads a Cpool. Throws <see cref="PlatformNotFoundException"/> when it does not exist.</summary>
    Task<CpoolObservation> GetCpoolAsync(string cpoolId, CancellationToken cancellationToken = default);

    /// <summary>The Cpool of this name (not being deleted), or null: AlreadyExists detection and crash recovery.</summary>
    Task<CpoolObservation?> FindCpoolByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every VM of the tenant.</summary>
    Task<IReadOnlyList<VirtualMachineObservation>> GetVirtualMachinesAsync(CancellationToken cancellationToken = default);
}

/// <summary>What a Cpool should be.</summary>
/// <param name="Name">Its name on the platform.</param>
/// <param name="Zone">Its availability zone (immutable).</param>
/// <param name="BladeType">Its blade type (immutable).</param>
/// <param name="Hosts">1–32 hosts.</param>
/// <param name="MemoryGiB">Reserved memory; null for the platform's default (hosts × 128).</param>
/// <param name="HighAvailability">vSphere HA.</param>
/// <param name="AffinityRules">VM (anti-)affinity rules.</param>
public sealed record CpoolSpecification(
    string Name,
    Zone Zone,
    BladeType BladeType,
    int Hosts,
    int? MemoryGiB = null,
    bool HighAvailability = true,
    IReadOnlyList<AffinityRuleSpecification>? AffinityRules = null);

/// <summary>A VM (anti-)affinity rule.</summary>
/// <param name="Name">The rule's name.</param>
/// <param name="Type">Affinity or anti-affinity.</param>
/// <param name="Enabled">Whether it is enforced.</param>
/// <param name="VirtualMachines">The VMs it binds (≥ 2).</param>
public sealed record AffinityRuleSpecification(string Name, AffinityType Type, bool Enabled, IReadOnlyList<string> VirtualMachines);

/// <summary>A hypervisor update in progress.</summary>
/// <param name="TargetBuild">The build the hosts go to.</param>
/// <param name="HostsDone">Hosts already on it.</param>
/// <param name="HostsTotal">Hosts in all.</param>
public sealed record HypervisorUpdateProgress(string TargetBuild, int HostsDone, int HostsTotal);

/// <summary>A Cpool as the platform shows it, with the figures of the Cpool status.</summary>
/// <param name="Id">Its platform id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Zone">Its zone.</param>
/// <param name="BladeType">Its blade type; null when the platform does not show it (the console API does not).</param>
/// <param name="Hosts">How many hosts.</param>
/// <param name="MemoryGiB">Reserved memory (from the host cluster's totalMemory, bytes → GiB).</param>
/// <param name="MemoryMinGiB">The least memory it may have (C4).</param>
/// <param name="MemoryMaxGiB">The most memory it may have (C4); null when the blade type is unknown.</param>
/// <param name="MemoryUsagePercent">Average memory use of its hosts.</param>
/// <param name="MemoryPressure">Whether the use is over the threshold (C6).</param>
/// <param name="Gpus">GPUs of its hosts; null when the blade type is unknown.</param>
/// <param name="HighAvailability">Whether HA is on; null when the platform does not show it.</param>
/// <param name="HighAvailabilityApplicable">Whether HA can apply (≥ 2 hosts, C5).</param>
/// <param name="HypervisorBuild">The ESXi build, when all hosts share one.</param>
/// <param name="HypervisorUpdate">The hypervisor update in progress, if any.</param>
/// <param name="VirtualMachines">How many VMs run on it.</param>
/// <param name="AffinityRules">Its affinity rules; null when the platform does not show them.</param>
/// <param name="State">Its life-cycle state.</param>
/// <param name="Billing">What it consumes.</param>
public sealed record CpoolObservation(
    string Id,
    string Name,
    Zone Zone,
    BladeType? BladeType,
    int Hosts,
    long MemoryGiB,
    int MemoryMinGiB,
    int? MemoryMaxGiB,
    decimal MemoryUsagePercent,
    bool MemoryPressure,
    int? Gpus,
    bool? HighAvailability,
    bool HighAvailabilityApplicable,
    string? HypervisorBuild,
    HypervisorUpdateProgress? HypervisorUpdate,
    int VirtualMachines,
    IReadOnlyList<AffinityRuleSpecification>? AffinityRules,
    ResourceState State,
    IReadOnlyList<BillingItem> Billing);

/// <summary>A VM of the tenant's inventory.</summary>
/// <param name="Id">Its platform id.</param>
/// <param name="Name">Its name.</param>
/// <param name="CpoolId">The Cpool it runs on.</param>
/// <param name="DatastoreId">The block volume its disks are on.</param>
/// <param name="Zone">Its zone; null when the platform does not place it.</param>
/// <param name="PoweredOn">Whether it runs.</param>
/// <param name="MemoryGiB">Its memory.</param>
/// <param name="Disks">Its disks' names.</param>
/// <param name="SnapshotCount">Open snapshots.</param>
/// <param name="EncryptionProviderId">The key provider encrypting it, if any.</param>
public sealed record VirtualMachineObservation(
    string Id,
    string Name,
    string CpoolId,
    string DatastoreId,
    Zone? Zone,
    bool PoweredOn,
    int MemoryGiB,
    IReadOnlyList<string> Disks,
    int SnapshotCount,
    string? EncryptionProviderId);

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// Cpools on the console API: a Cpool is a host cluster (<c>/api/compute/v1/vcenters/host_clusters</c>)
/// and its hosts. It reads hosts, memory (bytes), use per host, ESXi builds and VM counts; it shows
/// no blade type, HA setting or affinity rule. Ordering, resizing, hypervisor updates and deletion
/// are console orders: they throw <see cref="ManualOrderRequiredException"/> and send nothing.
/// </summary>
internal sealed class ConsoleComputeDriver(PlatformSession session) : IComputeDriver
{
    private const string Clusters = "api/compute/v1/vcenters/host_clusters";
    private const string Hosts = "api/compute/v1/vcenters/hosts";
    private const string VirtualMachines = "api/compute/v1/vcenters/virtual_machines";
    private const string Datastores = "api/compute/v1/vcenters/datastores";

    public Task<PlatformOperation> CreateCpoolAsync(CpoolSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        throw ManualOrders.CreateCpool(specification);
    }

    public async Task<PlatformOperation> UpdateCpoolAsync(string cpoolId, CpoolSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var current = await GetCpoolAsync(cpoolId, cancellationToken).ConfigureAwait(false);
        throw ManualOrders.ChangeCpool(cpoolId, current.Zone, current.Hosts, current.MemoryGiB, specification);
    }

    public Task<PlatformOperation> UpdateHypervisorAsync(string cpoolId, string build, CancellationToken cancellationToken = default) =>
        throw ManualOrders.UpdateHypervisor(cpoolId, build);

    public Task<PlatformOperation> DeleteCpoolAsync(string cpoolId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.DeleteCpool(cpoolId);

    public async Task<CpoolObservation> GetCpoolAsync(string cpoolId, CancellationToken cancellationToken = default)
    {
        var cluster = await session.ItemAsync<HostClusterView>(Clusters, cpoolId, c => c.Id, cancellationToken).ConfigureAwait(false);
        var hosts = await session.ListAllAsync<HostView>(Hosts, cancellationToken).ConfigureAwait(false);
        return Observe(cluster, hosts);
    }

    public async Task<CpoolObservation?> FindCpoolByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        // A 200 list proves absence; a partial one (206) without it throws.
        var found = await session.FindAsync<HostClusterView>(Clusters, "cpool", name, c => c.Id, c => c.Name == name, cancellationToken).ConfigureAwait(false);
        return found is null ? null : Observe(found, await session.ListAllAsync<HostView>(Hosts, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<VirtualMachineObservation>> GetVirtualMachinesAsync(CancellationToken cancellationToken = default)
    {
        var vms = await session.ListAllAsync<ConsoleVirtualMachineView>(VirtualMachines, cancellationToken).ConfigureAwait(false);

        // A VM that names only its virtual datacenter and datastore by name is placed through the clusters and datastores.
        var clusters = vms.Any(v => v.Datacenter is null && v.VirtualDatacenterId is not null)
            ? await session.ListAllAsync<HostClusterView>(Clusters, cancellationToken).ConfigureAwait(false)
            : [];
        var datastores = vms.Any(v => v.DatastoreId is null && v.DatastoreName is not null)
            ? await session.ListAllAsync<DatastoreView>(Datastores, cancellationToken).ConfigureAwait(false)
            : [];
        NamedView? DatacenterOf(ConsoleVirtualMachineView v) =>
            v.Datacenter ?? clusters.Select(c => c.Datacenter).FirstOrDefault(d => d is not null && d.Id == v.VirtualDatacenterId);
        return [.. vms.Select(v => new VirtualMachineObservation(
            v.Id,
            v.Name,
            v.HostClusterId ?? string.Empty,
            v.DatastoreId ?? datastores.FirstOrDefault(d => d.Name == v.DatastoreName)?.Id ?? string.Empty,
            ConsoleTopology.TryZoneOf(DatacenterOf(v)),
            IsPoweredOn(v.PowerState),
            (int)Bytes.ToGiB(v.Memory),
            [],
            v.Snapshoted ? 1 : 0,
            EncryptionProviderId: null))];
    }

    internal static bool IsPoweredOn(string? powerState) =>
        powerState is not null && (powerState.Equals("running", StringComparison.OrdinalIgnoreCase)
            || powerState.Equals("on", StringComparison.OrdinalIgnoreCase)
            || powerState.Equals("poweredOn", StringComparison.OrdinalIgnoreCase));

    private static CpoolObservation Observe(HostClusterView cluster, IReadOnlyList<HostView> allHosts)
    {
        var ids = (cluster.Hosts ?? []).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var hosts = allHosts.Where(h => ids.Contains(h.Id)).ToList();
        var count = ids.Count;
        var metrics = cluster.Metrics;

        // C6 is about the average use per host; the cluster's own figures stand in when hosts show none.
        var perHost = hosts.Where(h => h.Metrics?.Memory is { MemorySize: > 0 }).Select(h => 100m * h.Metrics!.Memory!.MemoryUsage / h.Metrics.Memory.MemorySize).ToList();
        var usage = perHost.Count > 0 ? perHost.Average()
            : metrics is { TotalMemory: > 0 } m ? 100m * m.MemoryUsed / m.TotalMemory
            : 0m;
        var builds = hosts.Select(h => h.Metrics?.Esx?.Build).Where(b => !string.IsNullOrEmpty(b)).Distinct(StringComparer.Ordinal).ToList();

        return new CpoolObservation(
            cluster.Id,
            cluster.Name,
            ConsoleTopology.ZoneOf(cluster.Datacenter, $"host cluster {cluster.Id}"),
            BladeType: null,
            count,
            metrics is null ? 0 : Bytes.ToGiB(metrics.TotalMemory),
            PlatformCatalog.MinimumMemoryGiB(count),
            MemoryMaxGiB: null,
            decimal.Round(usage, 1),
            usage > PlatformCatalog.MemoryPressurePercent,
            Gpus: null,
            HighAvailability: null,
            count >= PlatformCatalog.HighAvailabilityMinimumHosts,
            builds.Count == 1 ? builds[0] : null,
            HypervisorUpdate: null,
            cluster.VirtualMachinesNumber,
            AffinityRules: null,
            ResourceState.Ready,
            Billing: []);
    }
}

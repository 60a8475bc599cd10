namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>
/// The console's routes and the JSON it answers, shaped as public sources show them
/// (cloud-temple-api.md; the types of the official Terraform provider's client: capacities and
/// memory are byte counts beyond 32 bits, a host's ESXi build is a number, a datastore's
/// <c>accessible</c> is a number).
/// </summary>
internal static class ConsoleShapes
{
    public const long GiB = 1L << 30;
    public const long TiB = 1L << 40;

    public const string HostClusters = "/api/compute/v1/vcenters/host_clusters";
    public const string Hosts = "/api/compute/v1/vcenters/hosts";
    public const string Datastores = "/api/compute/v1/vcenters/datastores";
    public const string Networks = "/api/compute/v1/vcenters/networks";
    public const string VirtualMachines = "/api/compute/v1/vcenters/virtual_machines";
    public const string BackupVirtualMachines = "/api/backup/v1/spp/virtual_machines";
    public const string SlaAssignment = "/api/backup/v1/spp/policies/assign/virtual_machine";
    public const string Jobs = "/api/backup/v1/spp/jobs";
    public const string CatalogJobs = "/api/backup/v1/spp/jobs?type=catalog";
    public const string JobRun = "/api/backup/v1/spp/jobs/run";

    /// <summary>A host cluster in a virtual datacenter named after its site (e.g. <c>DC-PAR7S</c>).</summary>
    public static object Cluster(string id, string name, string datacenter, IReadOnlyList<string> hostIds, long totalMemory = 0, long memoryUsed = 0) => new
    {
        id,
        name,
        moref = $"domain-{id}",
        hosts = hostIds.Select(h => new { id = h, type = "host" }),
        metrics = new { totalCpu = 187200, totalMemory, totalStorage = 0L, cpuUsed = 4200, memoryUsed, storageUsed = 0L },
        virtualMachinesNumber = 12,
        machineManager = new { id = "vc-1", name = "vc-contract" },
        datacenter = new { id = $"dc-{datacenter.ToLowerInvariant()}", name = datacenter },
    };

    /// <summary>A host; its ESXi build is a number, as the API gives it.</summary>
    public static object Host(string id, string name, long memorySize = 768 * GiB, long memoryUsage = 0, long build = 24674464) => new
    {
        id,
        name,
        moref = $"host-{id}",
        machineManagerId = "vc-1",
        metrics = new
        {
            esx = new { version = "8.0.3", build, fullName = $"VMware ESXi 8.0.3 build-{build}" },
            cpu = new { overallCpuUsage = 2100, cpuMhz = 2600, cpuCores = 32, cpuThreads = 64 },
            memory = new { memorySize, memoryUsage },
            maintenanceStatus = false,
            uptime = 864000,
            connected = true,
        },
        virtualMachines = Array.Empty<object>(),
    };

    /// <summary>A datastore; capacities in bytes, <c>accessible</c> a number, as the API gives them.</summary>
    public static object Datastore(string id, string name, long maxCapacity, long freeCapacity, IReadOnlyList<string> hostsNames) => new
    {
        id,
        name,
        moref = $"datastore-{id}",
        maxCapacity,
        freeCapacity,
        accessible = 1,
        maintenanceStatus = "normal",
        uniqueId = $"uuid-{id}",
        machineManagerId = "vc-1",
        type = "VMFS",
        virtualMachinesNumber = 0,
        hostsNumber = hostsNames.Count,
        hostsNames,
        associatedFolder = string.Empty,
    };

    /// <summary>A network seen by the named hosts.</summary>
    public static object Network(string id, string name, IReadOnlyList<string> hostNames) => new
    {
        id,
        name,
        moref = $"network-{id}",
        virtualMachinesNumber = 3,
        hostNumber = hostNames.Count,
        hostNames,
    };

    /// <summary>A VM (memory in bytes).</summary>
    public static object VirtualMachine(string id, string name, string datacenter = "DC-PAR7S", long memory = 16 * GiB, string powerState = "running") => new
    {
        id,
        name,
        moref = $"vm-{id}",
        powerState,
        memory,
        cpu = 4,
        hostClusterId = "hc-par7s",
        datastoreId = "ds-par7s",
        datacenter = new { id = $"dc-{datacenter.ToLowerInvariant()}", name = datacenter },
        snapshoted = false,
    };

    /// <summary>A VM as the backup inventory knows it, with its SLA policies.</summary>
    public static object BackupVirtualMachine(string id, string name, params string[] slaPolicies) => new
    {
        id,
        name,
        slaPolicies = slaPolicies.Select(p => new { id = p, name = $"SLA {p}" }),
    };

    /// <summary>The catalog jobs of the backup service, the inventory job among them.</summary>
    public static object[] CatalogJobList(string inventoryJobId) =>
    [
        new { id = "job-catalog-storage", name = "Storage Inventory", type = "catalog" },
        new { id = inventoryJobId, name = "Hypervisor Inventory", type = "catalog" },
    ];
}

using System.Globalization;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using Cpool = CloudTemple.Operator.Simulator.Model.Cpool;
using BlockVolume = CloudTemple.Operator.Simulator.Model.BlockVolume;
using Vlan = CloudTemple.Operator.Simulator.Model.Vlan;
using BackupPolicy = CloudTemple.Operator.Simulator.Model.BackupPolicy;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>
/// The routes of the real console API that the simulator reproduces, with the documented field names
/// (cloud-temple-api.md). Capacities and memory are bytes. The tenant comes from the token.
/// </summary>
internal static class PublicApi
{
    /// <summary>The token exchange route (the only one without a bearer token).</summary>
    public const string TokenRoute = "/api/iam/v2/auth/personal_access_token";

    private const long GiB = 1L << 30;
    private const int CpuMhzPerCore = 2600;
    private const string EsxVersion = "8.0.3";

    public static void Map(WebApplication app, SimulatedPlatform platform, TokenIssuer tokens, FaultInjector faults)
    {
        app.MapPost(TokenRoute, (TokenRequest request) =>
        {
            var token = platform.FindPersonalAccessToken(request.Id ?? string.Empty, request.Secret ?? string.Empty);
            if (token is null)
            {
                return Api.Error(StatusCodes.Status401Unauthorized, "Invalid personal access token");
            }

            var tenant = platform.GetTenant(token.TenantId)!;
            return Results.Text(tokens.Issue(token, tenant.OrganizationId), "text/plain");
        });

        // The tenant's activities, as the official Terraform provider's client lists them (no filter).
        app.MapGet("/api/activity/v1/activities", (HttpContext context) =>
            platform.GetOperationsOf(Api.Caller(context).TenantId).Where(op => !faults.IsHidden(op.Id)).Select(Api.Activity));

        app.MapGet("/api/activity/v1/activities/{id}", (string id, HttpContext context) =>
        {
            var op = platform.GetOperation(id);
            if (op is null || faults.HideActivity(id))
            {
                return Api.Error(StatusCodes.Status404NotFound, $"Activity '{id}' not found");
            }

            return op.TenantId == Api.Caller(context).TenantId
                ? Results.Json(Api.Activity(op))
                : Api.Error(StatusCodes.Status403Forbidden, $"Activity '{id}' belongs to another tenant");
        });

        const string vcenters = "/api/compute/v1/vcenters";
        app.MapGet($"{vcenters}/host_clusters", (HttpContext c) => platform.GetCpools(Tenant(c)).Select(p => HostCluster(platform, p)));
        app.MapGet($"{vcenters}/host_clusters/{{id}}", (string id, HttpContext c) => Own(platform, c, id, () => HostCluster(platform, platform.GetCpool(id)!)));
        app.MapGet($"{vcenters}/hosts", (HttpContext c) => platform.GetCpools(Tenant(c)).SelectMany(p => Hosts(platform, p)));
        app.MapGet($"{vcenters}/hosts/{{id}}", (string id, HttpContext c) =>
            platform.GetCpools(Tenant(c)).SelectMany(p => Hosts(platform, p)).FirstOrDefault(h => h.Id == id) is { } host
                ? Results.Json(host)
                : Api.Error(StatusCodes.Status404NotFound, $"Host '{id}' not found"));
        app.MapGet($"{vcenters}/datastores", (HttpContext c) => platform.GetBlockVolumes(Tenant(c)).Where(Visible).Select(v => Datastore(platform, v)));
        app.MapGet($"{vcenters}/datastores/{{id}}", (string id, HttpContext c) => Own(platform, c, id, () => Datastore(platform, platform.GetBlockVolume(id)!)));
        app.MapGet($"{vcenters}/networks", (HttpContext c) => Networks(platform, Tenant(c)).Select(v => Network(platform, v)));
        app.MapGet($"{vcenters}/networks/{{id}}", (string id, HttpContext c) =>
            Networks(platform, Tenant(c)).FirstOrDefault(v => v.Id == id) is { } vlan
                ? Results.Json(Network(platform, vlan))
                : Own(platform, c, id, () => Network(platform, platform.GetVlan(id)!)));
        app.MapGet($"{vcenters}/virtual_machines", (HttpContext c) => platform.GetVirtualMachines(Tenant(c)).Select(VirtualMachine));
        app.MapGet($"{vcenters}/virtual_machines/{{id}}", (string id, HttpContext c) => Own(platform, c, id, () => VirtualMachine(platform.GetVirtualMachineById(id)!)));

        const string spp = "/api/backup/v1/spp";
        app.MapGet($"{spp}/policies", (HttpContext c) => SlaPolicies(platform, Tenant(c)).Select(p => SlaPolicy(platform, p)));
        app.MapGet($"{spp}/policies/{{id}}", (string id, HttpContext c) =>
            SlaPolicies(platform, Tenant(c)).FirstOrDefault(p => p.Id == id) is { } policy
                ? Results.Json(SlaPolicy(platform, policy))
                : Own(platform, c, id, () => throw new PlatformNotFoundException($"SLA policy '{id}' is not active")));
        app.MapPost($"{spp}/policies/assign/virtual_machine", (SlaAssignmentRequest request, HttpContext c) =>
            Api.Created(platform.AssignSlaPolicies(Tenant(c), request.VirtualMachineIds ?? [], request.SlaPolicies ?? [])));
        app.MapGet($"{spp}/jobs", (string? type, HttpContext c) =>
        {
            var jobId = SimulatedPlatform.InventoryJobId(Tenant(c));
            var runs = platform.GetOperationsOn(jobId);
            var running = runs.Count > 0 ? runs[^1] : null;
            object[] jobs =
            [
                new
                {
                    id = jobId,
                    name = SimulatedPlatform.HypervisorInventoryJobName,
                    type = "catalog",
                    status = running?.State is OperationState.Waiting or OperationState.Running ? "RUNNING" : "IDLE",
                    lastRun = running?.StopDate,
                },
            ];
            return type is null or "catalog" ? jobs : [];
        });
        app.MapPost($"{spp}/jobs/run", (JobRunRequest request, HttpContext c) =>
        {
            if (request.JobId != SimulatedPlatform.InventoryJobId(Tenant(c)))
            {
                return Api.Error(StatusCodes.Status404NotFound, $"Job '{request.JobId}' not found");
            }

            return Api.Created(platform.RunInventoryJob(Tenant(c)));
        });
        app.MapGet($"{spp}/virtual_machines/{{vmId}}", (string vmId, HttpContext c) => Own(platform, c, vmId, () =>
        {
            if (!platform.IsInventoried(vmId))
            {
                throw new PlatformNotFoundException($"Virtual machine '{vmId}' is not in the backup inventory");
            }

            var vm = platform.GetVirtualMachineById(vmId)!;
            return new
            {
                id = vm.Id,
                name = vm.Name,
                hypervisorType = "vmware",
                slaPolicies = platform.GetBackupPolicies()
                    .Where(p => p.TenantId == vm.TenantId && p.Assignments.Any(a => a.VirtualMachine == vm.Name))
                    .Select(p => new { id = p.Id, name = p.Name }),
            };
        }));
    }

    private static string Tenant(HttpContext context) => Api.Caller(context).TenantId;

    private static IResult Own(SimulatedPlatform platform, HttpContext context, string id, Func<object> read)
    {
        Api.RequireOwn(platform, context, id);
        return Results.Json(read());
    }

    /// <summary>A replica is hidden from hypervisors until a failover presents it (B13).</summary>
    private static bool Visible(BlockVolume volume) => volume.ReplicaOf is null || volume.CpoolIds.Count > 0;

    private static string Moref(string prefix, string id) => prefix + id[(id.LastIndexOf('-') + 1)..].TrimStart('0');

    private static object Datacenter(Zone zone) => new { id = PlatformCatalog.PlatformZoneName(zone), name = $"DC-{zone}" };

    private static object MachineManager(Zone zone) => new { id = $"vc-{zone.ToString().ToLowerInvariant()}", name = $"vc-{PlatformCatalog.PlatformZoneName(zone).ToLowerInvariant()}" };

    private static object HostCluster(SimulatedPlatform platform, Cpool cpool)
    {
        var vms = platform.GetVirtualMachines(cpool.TenantId).Where(v => v.CpoolId == cpool.Id).ToList();
        var volumes = platform.GetBlockVolumes(cpool.TenantId).Where(v => v.CpoolIds.Contains(cpool.Id)).ToList();
        var storageUsed = platform.GetVirtualMachines(cpool.TenantId).Where(v => volumes.Any(d => d.Id == v.DatastoreId)).Sum(v => v.DiskGiB);
        var blade = PlatformCatalog.Blade(cpool.BladeType);
        return new
        {
            id = cpool.Id,
            name = cpool.Name,
            moref = Moref("domain-c", cpool.Id),
            hosts = cpool.Hosts.Select(h => new { id = h.Id, type = "host" }),
            metrics = new
            {
                totalCpu = (long)cpool.Hosts.Count * blade.Cores * CpuMhzPerCore,
                totalMemory = cpool.MemoryGiB * GiB,
                totalStorage = volumes.Sum(v => v.SizeGiB) * GiB,
                cpuUsed = 0L,
                memoryUsed = vms.Sum(v => (long)v.MemoryGiB) * GiB,
                storageUsed = storageUsed * GiB,
            },
            virtualMachinesNumber = vms.Count,
            machineManager = MachineManager(cpool.Zone),
            datacenter = Datacenter(cpool.Zone),
        };
    }

    private static IEnumerable<HostView> Hosts(SimulatedPlatform platform, Cpool cpool)
    {
        var vms = platform.GetVirtualMachines(cpool.TenantId).Where(v => v.CpoolId == cpool.Id).ToList();
        var blade = PlatformCatalog.Blade(cpool.BladeType);
        return cpool.Hosts.Select((h, i) => new HostView(
            h.Id,
            h.Id,
            Moref("host-", cpool.Id) + (i + 1).ToString(CultureInfo.InvariantCulture),
            new HostMetrics(
                new HostMemory(blade.MemoryGiB * GiB, vms.Where(v => v.HostIndex == i).Sum(v => (long)v.MemoryGiB) * GiB),
                new HostEsx(EsxVersion, h.EsxiBuild)),
            MaintenanceMode: false,
            new Reference(cpool.Id, cpool.Name),
            MachineManager(cpool.Zone),
            Datacenter(cpool.Zone)));
    }

    private static object Datastore(SimulatedPlatform platform, BlockVolume volume)
    {
        var vms = platform.GetVirtualMachines(volume.TenantId).Where(v => v.DatastoreId == volume.Id).ToList();
        var hosts = volume.CpoolIds.Select(platform.GetCpool).OfType<Cpool>().SelectMany(c => c.Hosts).Select(h => h.Id).ToList();
        return new
        {
            id = volume.Id,
            name = volume.Name,
            moref = Moref("datastore-", volume.Id),
            maxCapacity = volume.SizeGiB * GiB,
            freeCapacity = (volume.SizeGiB - vms.Sum(v => v.DiskGiB)) * GiB,
            accessible = volume.State == ProvisioningState.Ready && Visible(volume),
            maintenanceMode = false,
            type = "VMFS",
            virtualMachinesNumber = vms.Count,
            hostsNumber = hosts.Count,
            hostsNames = hosts,
        };
    }

    private static IEnumerable<Vlan> Networks(SimulatedPlatform platform, string tenantId) =>
        platform.GetVlans(tenantId).Concat(platform.GetVlansSharedWith(tenantId));

    private static object Network(SimulatedPlatform platform, Vlan vlan)
    {
        var hosts = vlan.CpoolIds.Select(platform.GetCpool).OfType<Cpool>().SelectMany(c => c.Hosts).Select(h => h.Id).ToList();
        return new
        {
            id = vlan.Id,
            name = vlan.Name,
            moref = Moref("dvportgroup-", vlan.Id),
            virtualMachinesNumber = 0,
            hostNumber = hosts.Count,
            hostNames = hosts,
        };
    }

    private static object VirtualMachine(VirtualMachine vm) => new
    {
        id = vm.Id,
        name = vm.Name,
        moref = Moref("vm-", vm.Id),
        powerState = vm.PowerState == PowerState.PoweredOn ? "running" : "stopped",
        memory = vm.MemoryGiB * GiB,
        hostClusterId = vm.CpoolId,
        datastoreId = vm.DatastoreId,
        datacenter = Datacenter(vm.Zone),
        snapshoted = vm.SnapshotCount > 0,
    };

    private static IEnumerable<BackupPolicy> SlaPolicies(SimulatedPlatform platform, string tenantId) =>
        platform.GetBackupPolicies().Where(p => p.TenantId == tenantId && p.Phase == BackupPolicyPhase.Active);

    private static object SlaPolicy(SimulatedPlatform platform, BackupPolicy policy)
    {
        var r = policy.Request.Retention;
        var age = new[] { r.Days, r.Weeks * 7, r.Months * 31, r.Years * 366 }.Max();
        var operations = platform.GetOperationsOn(policy.Id);
        var activated = operations.Count > 0 ? operations[0].StopDate : null;
        return new
        {
            id = policy.Id,
            name = policy.Name,
            subPolicies = new[]
            {
                new
                {
                    type = "REPLICATION",
                    useEncryption = true,
                    site = "Secondary",
                    retention = new { age },
                    trigger = new { frequency = 1, type = "DAILY", activateDate = activated },
                    target = new { name = "Secondary", resourceType = "site" },
                },
            },
        };
    }

    /// <summary>The token exchange's body.</summary>
    /// <param name="Id">The token id.</param>
    /// <param name="Secret">The token secret.</param>
    internal sealed record TokenRequest(string? Id, string? Secret);

    /// <summary>The SLA assignment's body.</summary>
    /// <param name="VirtualMachineIds">The VMs.</param>
    /// <param name="SlaPolicies">The policies.</param>
    internal sealed record SlaAssignmentRequest(List<string>? VirtualMachineIds, List<string>? SlaPolicies);

    /// <summary>A job run's body.</summary>
    /// <param name="JobId">The job.</param>
    internal sealed record JobRunRequest(string? JobId);

    internal sealed record Reference(string Id, string Name);

    internal sealed record HostMemory(long MemorySize, long MemoryUsage);

    internal sealed record HostEsx(string Version, string Build);

    internal sealed record HostMetrics(HostMemory Memory, HostEsx Esx);

    internal sealed record HostView(string Id, string Name, string Moref, HostMetrics Metrics, bool MaintenanceMode, Reference HostCluster, object MachineManager, object Datacenter);
}

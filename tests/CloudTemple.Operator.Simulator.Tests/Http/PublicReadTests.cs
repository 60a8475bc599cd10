using System.Text.Json;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class PublicReadTests
{
    private const long GiB = 1L << 30;

    private static readonly string[] Zones = ["PAR7S", "TH3S"];

    private static readonly string[] Sister = ["7c1e2d34-4b5a-4c6d-8e9f-0a1b2c3d4e5f"];

    [Fact]
    public async Task HostClusters_HaveTheDocumentedFields_WithMemoryInBytes()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();

        var clusters = await service.GetJsonAsync("/api/compute/v1/vcenters/host_clusters");
        var prod = clusters.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "prod-par7s");
        AssertKeys(prod, "id", "name", "moref", "hosts", "metrics", "virtualMachinesNumber", "machineManager", "datacenter");
        AssertKeys(prod.GetProperty("metrics"), "totalCpu", "totalMemory", "totalStorage", "cpuUsed", "memoryUsed", "storageUsed");
        Assert.Equal(768 * GiB, prod.GetProperty("metrics").GetProperty("totalMemory").GetInt64());
        Assert.Equal((8 + 8 + 8 + 16 + 32 + 64 + 16) * GiB, prod.GetProperty("metrics").GetProperty("memoryUsed").GetInt64());
        Assert.Equal(7, prod.GetProperty("virtualMachinesNumber").GetInt32());
        Assert.Equal("DC-PAR7S", prod.GetProperty("datacenter").GetProperty("name").GetString());
        Assert.Equal(3, prod.GetProperty("hosts").GetArrayLength());
        Assert.Equal("host", prod.GetProperty("hosts")[0].GetProperty("type").GetString());

        var one = await service.GetJsonAsync($"/api/compute/v1/vcenters/host_clusters/{prod.GetProperty("id").GetString()}");
        Assert.Equal("prod-par7s", one.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Hosts_ReportMemoryInBytes_AndTheEsxBuild()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();

        var host = (await service.GetJsonAsync("/api/compute/v1/vcenters/hosts")).EnumerateArray().First();

        AssertKeys(host, "id", "name", "moref", "metrics", "maintenanceMode");
        Assert.Equal(384 * GiB, host.GetProperty("metrics").GetProperty("memory").GetProperty("memorySize").GetInt64());
        Assert.True(host.GetProperty("metrics").GetProperty("memory").TryGetProperty("memoryUsage", out _));
        AssertKeys(host.GetProperty("metrics").GetProperty("esx"), "version", "build");
    }

    [Fact]
    public async Task Datastores_HaveTheDocumentedFields_WithCapacitiesInBytesBeyond32Bits()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();

        var datastores = await service.GetJsonAsync("/api/compute/v1/vcenters/datastores");
        var ds = datastores.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "base-par7s-ds01");

        AssertKeys(ds, "id", "name", "moref", "maxCapacity", "freeCapacity", "accessible", "maintenanceMode", "type", "virtualMachinesNumber", "hostsNumber", "hostsNames");
        Assert.Equal(4096 * GiB, ds.GetProperty("maxCapacity").GetInt64());
        Assert.True(ds.GetProperty("maxCapacity").GetInt64() > int.MaxValue);
        Assert.Equal((4096 - (60 * 3) - 100 - 40 - 500) * GiB, ds.GetProperty("freeCapacity").GetInt64());
        Assert.Equal(3, ds.GetProperty("hostsNumber").GetInt32());
        var one = await service.GetJsonAsync($"/api/compute/v1/vcenters/datastores/{ds.GetProperty("id").GetString()}");
        Assert.Equal(ds.GetProperty("maxCapacity").GetInt64(), one.GetProperty("maxCapacity").GetInt64());
    }

    [Fact]
    public async Task Networks_HaveTheDocumentedFields_AndIncludeVlansSharedWithTheTenant()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var prod = service.Platform.GetCpools(SimulatorService.AcmeTenant).Single(c => c.Name == "prod-par7s");
        var (_, vlanId) = await service.AcceptedAsync("/api/simulator/v1/vlans", new
        {
            name = "app-network",
            zones = Zones,
            cpoolIds = new[] { prod.Id },
            sharedWithTenantIds = Sister,
        });

        var network = await service.GetJsonAsync($"/api/compute/v1/vcenters/networks/{vlanId}");
        AssertKeys(network, "id", "name", "moref", "virtualMachinesNumber", "hostNumber", "hostNames");
        Assert.Equal(3, network.GetProperty("hostNumber").GetInt32());

        await service.LoginAsync("pat-acme-staging", "sandbox-acme-staging-secret");
        var shared = await service.GetJsonAsync("/api/compute/v1/vcenters/networks");
        Assert.Contains(shared.EnumerateArray(), n => n.GetProperty("id").GetString() == vlanId);
    }

    [Fact]
    public async Task SlaPolicies_HaveTheDocumentedFields_OnceTheServiceRequestIsFulfilled()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var (_, policyId) = await service.AcceptedAsync("/api/simulator/v1/backup-policies", BackupRequest());

        var policies = await service.GetJsonAsync("/api/backup/v1/spp/policies");
        var policy = policies.EnumerateArray().Single(p => p.GetProperty("id").GetString() == policyId);
        AssertKeys(policy, "id", "name", "subPolicies");
        var sub = policy.GetProperty("subPolicies")[0];
        AssertKeys(sub, "type", "useEncryption", "site", "retention", "trigger", "target");
        Assert.Equal(12 * 31, sub.GetProperty("retention").GetProperty("age").GetInt32());
        AssertKeys(sub.GetProperty("trigger"), "frequency", "type", "activateDate");
        Assert.Equal("daily-30d", (await service.GetJsonAsync($"/api/backup/v1/spp/policies/{policyId}")).GetProperty("name").GetString());
    }

    internal static object BackupRequest() => new
    {
        organizationName = "Acme Assurances",
        tenantName = "acme-prod",
        policyName = "daily-30d",
        contact = new { name = "Camille Martin", email = "camille.martin@acme.example", phone = "+33 1 23 45 67 89" },
        retention = new { days = 30, weeks = 8, months = 12 },
    };

    internal static void AssertKeys(JsonElement element, params string[] keys)
    {
        foreach (var key in keys)
        {
            Assert.True(element.TryGetProperty(key, out _), $"'{key}' is missing from {element}");
        }
    }
}

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using static CloudTemple.Operator.Tests.Platform.Console.ConsoleShapes;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>
/// The reads of the console API: partial lists (206), 429 and 5xx retried, 403 told from 404, and
/// the byte counts of capacities and memory.
/// </summary>
public sealed class ReadContractTests
{
    [Fact]
    public async Task APartialListOfHostClusters_NeverProvesTheCpoolAbsent()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(new[] { Cluster("hc-other", "other-th3s", "DC-TH3S", ["host-9"]) }, 206));
        var platform = console.Connect();

        var error = await Assert.ThrowsAsync<PlatformUnavailableException>(() => platform.Compute.FindCpoolByNameAsync("prod-par7s"));

        Assert.Equal(206, error.StatusCode);
        Assert.Single(console.RequestsTo(HttpMethod.Get, HostClusters));
    }

    [Fact]
    public async Task APartialListOfDatastores_NeverProvesTheVolumeAbsent()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(Datastores).Answers(Reply.Json(new[] { Datastore("ds-other", "other", 2 * TiB, TiB, ["esx-th3s-01"]) }, 206));
        var platform = console.Connect();

        var error = await Assert.ThrowsAsync<PlatformUnavailableException>(() => platform.Storage.FindVolumeByNameAsync("vol-par7s"));

        Assert.Equal(206, error.StatusCode);
    }

    [Fact]
    public async Task APartialListOfNetworks_NeverProvesTheVlanAbsent()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(Networks).Answers(Reply.Json(Array.Empty<object>(), 206));
        var platform = console.Connect();

        await Assert.ThrowsAsync<PlatformUnavailableException>(() => platform.Network.FindVlanByNameAsync("vlan-prod"));
    }

    [Fact]
    public async Task OnlyAFullList_ProvesAbsence()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(new[] { Cluster("hc-other", "other-th3s", "DC-TH3S", ["host-9"]) }));
        console.OnGet(Datastores).Answers(Reply.Json(Array.Empty<object>()));
        var platform = console.Connect();

        Assert.Null(await platform.Compute.FindCpoolByNameAsync("prod-par7s"));
        Assert.Null(await platform.Storage.FindVolumeByNameAsync("vol-par7s"));
    }

    [Fact]
    public async Task A429OnARead_IsRetriedNoSoonerThanItsRetryAfter()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.TooManyRequests(retryAfterSeconds: 1), Reply.Json(Array.Empty<object>()));
        var platform = console.Connect();

        Assert.Null(await platform.Compute.FindCpoolByNameAsync("prod-par7s"));

        var reads = console.RequestsTo(HttpMethod.Get, HostClusters);
        Assert.Equal([429, 200], reads.Select(r => r.Status));
        var gap = reads[1].ArrivedAt - reads[0].ArrivedAt;
        Assert.True(gap >= Timing.OneSecond, $"Retried {gap} after a 429 that asked for 1 s.");
    }

    [Fact]
    public async Task ABurstOf500And502OnARead_IsRetriedThrough_AndTheReadSucceeds()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(VirtualMachines).Answers(Reply.Empty(500), Reply.Empty(502), Reply.Empty(502), Reply.Json(new[] { VirtualMachine("vm-1", "web-01") }));
        var platform = console.Connect(o => o with { MaxReadAttempts = 4 });

        var vm = Assert.Single(await platform.Compute.GetVirtualMachinesAsync());

        Assert.Equal("web-01", vm.Name);
        Assert.True(vm.PoweredOn);
        Assert.Equal([500, 502, 502, 200], console.RequestsTo(HttpMethod.Get, VirtualMachines).Select(r => r.Status));
    }

    [Fact]
    public async Task AReadStill5xxAfterItsAttempts_IsUnavailable()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(VirtualMachines).Answers(Reply.Empty(502));
        var platform = console.Connect(o => o with { MaxReadAttempts = 3 });

        var error = await Assert.ThrowsAsync<PlatformUnavailableException>(() => platform.Compute.GetVirtualMachinesAsync());

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(3, console.RequestsTo(HttpMethod.Get, VirtualMachines).Count);
    }

    [Fact]
    public async Task Forbidden_IsToldApartFromNotFound()
    {
        await using var console = await FakeConsole.StartAsync();

        // Whole lists that lack the items: the driver reads each item's own route, whose answer alone tells 403 from 404.
        console.OnGet(HostClusters).Answers(Reply.Json(new[] { Cluster("hc-other", "other-th3s", "DC-TH3S", ["host-9"]) }));
        console.OnGet(Datastores).Answers(Reply.Json(Array.Empty<object>()));
        console.OnGet($"{HostClusters}/hc-denied").Answers(Reply.Json(new { error = new { status = "403 Forbidden", message = "Missing permission compute_iaas_vmware_read" } }, 403));
        console.OnGet($"{HostClusters}/hc-gone").Answers(Reply.Json(new { error = new { status = "404 Not Found", message = "Host cluster not found" } }, 404));
        console.OnGet($"{Datastores}/ds-denied").Answers(Reply.Empty(403));
        console.OnGet($"{Datastores}/ds-gone").Answers(Reply.Empty(404));
        var platform = console.Connect();

        await Assert.ThrowsAsync<PlatformForbiddenException>(() => platform.Compute.GetCpoolAsync("hc-denied"));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => platform.Compute.GetCpoolAsync("hc-gone"));
        await Assert.ThrowsAsync<PlatformForbiddenException>(() => platform.Storage.GetVolumeAsync("ds-denied"));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => platform.Storage.GetVolumeAsync("ds-gone"));

        // Neither is retried: each was asked once.
        Assert.All(
            new[] { $"{HostClusters}/hc-denied", $"{HostClusters}/hc-gone", $"{Datastores}/ds-denied", $"{Datastores}/ds-gone" },
            path => Assert.Single(console.RequestsTo(HttpMethod.Get, path)));
        Assert.Single(console.RequestsTo(HttpMethod.Get, HostClusters));
        Assert.Single(console.RequestsTo(HttpMethod.Get, Datastores));
    }

    [Fact]
    public async Task ADatastoreOf8TiB_MapsItsByteCapacitiesToGiB_AndItsHostsToTheirCpoolAndZone()
    {
        await using var console = await FakeConsole.StartAsync();
        var max = 8 * TiB;
        var free = (3 * TiB) + (512 * GiB);
        Assert.True(max > int.MaxValue);
        console.OnGet(Datastores).Answers(Reply.Json(new[] { Datastore("ds-8t", "vol-par7s-8t", max, free, ["esx-par7s-01", "esx-par7s-02"]) }));
        console.OnGet($"{Datastores}/ds-8t").Answers(Reply.Json(Datastore("ds-8t", "vol-par7s-8t", max, free, ["esx-par7s-01", "esx-par7s-02"])));
        console.OnGet(HostClusters).Answers(Reply.Json(new[]
        {
            Cluster("hc-par7s", "prod-par7s", "DC-PAR7S", ["host-1", "host-2"]),
            Cluster("hc-th3s", "dr-th3s", "DC-TH3S", ["host-3"]),
        }));
        console.OnGet(Hosts).Answers(Reply.Json(new[]
        {
            Host("host-1", "esx-par7s-01"), Host("host-2", "esx-par7s-02"), Host("host-3", "esx-th3s-01"),
        }));
        console.OnGet(VirtualMachines).Answers(Reply.Json(Array.Empty<object>()));
        var platform = console.Connect();

        var volume = await platform.Storage.FindVolumeByNameAsync("vol-par7s-8t");

        Assert.NotNull(volume);
        Assert.Equal(8192, volume.CapacityGiB);
        Assert.Equal(3584, volume.FreeGiB);
        Assert.Equal(["hc-par7s"], volume.CpoolIds);
        Assert.Equal(Zone.PAR7S, volume.Zone);
    }

    [Theory]
    [InlineData(90, 86, true)]
    [InlineData(80, 84, false)]
    public async Task AHostClusterMemoryInBytes_MapsToGiB_AndAUsePerHostAbove85Percent_IsMemoryPressure(int firstHostPercent, int secondHostPercent, bool pressure)
    {
        await using var console = await FakeConsole.StartAsync();
        var perHost = 768 * GiB;
        console.OnGet(HostClusters).Answers(Reply.Json(new[]
        {
            Cluster("hc-par7s", "prod-par7s", "DC-PAR7S", ["host-9"], totalMemory: perHost, memoryUsed: perHost),
            Cluster("hc-th3s", "prod-th3s", "DC-TH3S", ["host-1", "host-2"], totalMemory: 2 * perHost, memoryUsed: perHost),
        }));
        console.OnGet(Hosts).Answers(Reply.Json(new[]
        {
            Host("host-1", "esx-th3s-01", perHost, perHost / 100 * firstHostPercent),
            Host("host-2", "esx-th3s-02", perHost, perHost / 100 * secondHostPercent),
            Host("host-9", "esx-elsewhere", perHost, perHost),
        }));
        var platform = console.Connect();

        var cpool = await platform.Compute.GetCpoolAsync("hc-th3s");

        Assert.Equal(1536, cpool.MemoryGiB);
        Assert.Equal(2, cpool.Hosts);
        Assert.Equal(Zone.TH3S, cpool.Zone);
        Assert.Equal((firstHostPercent + secondHostPercent) / 2m, cpool.MemoryUsagePercent);
        Assert.Equal(pressure, cpool.MemoryPressure);

        // Served from the shared list of clusters: the item's own route is not read.
        Assert.Empty(console.RequestsTo(HttpMethod.Get, $"{HostClusters}/hc-th3s"));
    }

    [Fact]
    public async Task TheEsxiBuildOfTheHosts_IsReadAsTheApiGivesIt()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(new[] { Cluster("hc-1", "edge-az07", "DC-AZ07", ["host-1", "host-2"], 2 * 384 * GiB, 0) }));
        console.OnGet(Hosts).Answers(Reply.Json(new[] { Host("host-1", "esx-az07-01", build: 24585383), Host("host-2", "esx-az07-02", build: 24585383) }));
        var platform = console.Connect();

        var cpool = await platform.Compute.GetCpoolAsync("hc-1");

        Assert.Equal("24585383", cpool.HypervisorBuild);
        Assert.Equal(Zone.AZ07, cpool.Zone);
        Assert.Equal(768, cpool.MemoryGiB);
    }

    [Fact]
    public async Task AVmGivenByVirtualDatacenterIdAndDatastoreName_IsPlacedThroughTheClustersAndDatastores()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(VirtualMachines).Answers(Reply.Json(new[]
        {
            new { id = "vm-7", name = "batch-07", powerState = "running", memory = 32 * GiB, virtualDatacenterId = "vdc-th3s", datastoreName = "ds-th3s-01", snapshoted = false },
        }));
        console.OnGet(HostClusters).Answers(Reply.Json(new[]
        {
            new { id = "hc-th3s", name = "clu-th3s", moref = "domain-c9", hosts = Array.Empty<object>(), virtualMachinesNumber = 1, datacenter = new { id = "vdc-th3s", name = "DC-TH3S" } },
        }));
        console.OnGet(Datastores).Answers(Reply.Json(new[] { Datastore("ds-31", "ds-th3s-01", 2 * TiB, TiB, []) }));
        var platform = console.Connect();

        var vm = Assert.Single(await platform.Compute.GetVirtualMachinesAsync());

        Assert.Equal((Zone.TH3S, "ds-31", 32, true), (vm.Zone, vm.DatastoreId, vm.MemoryGiB, vm.PoweredOn));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Service;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>
/// The simulated platform's throughput and memory (issue 4): 10,000 objects (Cpools, volumes,
/// VLANs, VMs over 10 tenants) in the in-process model, then writes and reads per second in process
/// and over HTTP on loopback, and the managed memory the objects take. Figures only, never asserted.
///   cloudtemple-bench simulator [--objects N] [--seconds S] [--clients C]
/// </summary>
internal static class SimulatorScenario
{
    private const int Tenants = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var objects = Argument(args, "--objects", 10_000);
        var seconds = Argument(args, "--seconds", 5);
        var clients = Argument(args, "--clients", 8);
        Console.WriteLine($"[bench] simulator: {objects} objects over {Tenants} tenants, {seconds} s per measure, {clients} HTTP clients");

        // In process, zero durations: every write completes within the call.
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var (platform, world, fill) = Fill(SimulatorOptions.Immediate, objects);
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"[bench] filled {objects} objects in {fill.TotalSeconds:F2} s ({objects / fill.TotalSeconds:F0} objects/s, each an accepted operation or an inventory add)");
        Console.WriteLine($"[bench] managed memory for {objects} objects and their operations: {(memoryAfter - memoryBefore) / 1024.0 / 1024.0:F1} MiB ({(memoryAfter - memoryBefore) / objects} bytes/object); process working set {Process.GetCurrentProcess().WorkingSet64 / 1024 / 1024} MiB");

        var random = new Random(1);
        var writes = Measure(seconds, () =>
        {
            var volume = world.Volumes[random.Next(world.Volumes.Count)];
            platform.UpdateBlockVolume(volume, StorageClass.Standard, platform.GetBlockVolume(volume)!.SizeGiB + 1);
        });
        Console.WriteLine($"[bench] in-process writes (grow a volume, zero durations): {writes:F0} ops/s");
        var reads = Measure(seconds, () => platform.GetCpoolUsage(world.Cpools[random.Next(world.Cpools.Count)]));
        Console.WriteLine($"[bench] in-process reads (Cpool usage figures): {reads:F0} ops/s");

        // In process, long durations: every operation stays in flight, as many as the objects.
        var (slow, slowWorld, _) = Fill(SimulatorOptions.Immediate with { Cpool = TimeSpan.FromHours(1), BlockVolume = TimeSpan.FromHours(1), Vlan = TimeSpan.FromHours(1) }, objects);
        var inFlight = slow.Export().Operations.Count(o => o.State is OperationState.Waiting or OperationState.Running);
        var slowReads = Measure(seconds, () => slow.GetCpool(slowWorld.Cpools[random.Next(slowWorld.Cpools.Count)]));
        var slowWrites = Measure(seconds, () => slow.UpdateBlockVolume(slowWorld.Volumes[random.Next(slowWorld.Volumes.Count)], StorageClass.Standard, 4096));
        Console.WriteLine($"[bench] in-process with {inFlight} operations in flight (each call settles): reads {slowReads:F0} ops/s, writes {slowWrites:F0} ops/s");

        // Over HTTP on loopback.
        await using var host = await SimulatorHost.StartAsync(new ServiceOptions { Url = "http://127.0.0.1:0", Platform = SimulatorOptions.Immediate });
        var tenant = host.Platform.AddTenant(host.Platform.AddOrganization("Bench").Id, "bench", hsmSubscription: false);
        host.Platform.AddPersonalAccessToken(tenant.Id, "pat-bench", "secret");
        var jwt = host.IssueToken("pat-bench", "secret")!;
        var volumes = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            volumes.Add(host.Platform.CreateBlockVolume(tenant.Id, $"v{i}", Zone.PAR7S, StorageClass.Standard, 1024).ResourceId);
        }

        using var http = new HttpClient { BaseAddress = host.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        long requests = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            // Each client grows its own volumes, so sizes only ever grow (B8).
            var mine = volumes.Where((_, i) => i % clients == c).ToList();
            var size = 2048L;
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                var volume = mine[(int)(size % mine.Count)];
                var put = await http.PutAsJsonAsync($"/api/simulator/v1/block-volumes/{volume}", new { storageClass = "standard", sizeGiB = ++size });
                put.EnsureSuccessStatusCode();
                (await http.GetAsync(put.Headers.Location)).EnsureSuccessStatusCode();
                Interlocked.Add(ref requests, 2);
            }
        }));
        Console.WriteLine($"[bench] over HTTP ({clients} clients, write + activity poll): {requests / clock.Elapsed.TotalSeconds:F0} requests/s ({requests / 2 / clock.Elapsed.TotalSeconds:F0} writes/s)");
        GC.KeepAlive(platform);
        return 0;
    }

    private sealed record World(List<string> Cpools, List<string> Volumes);

    /// <summary>Cpools, volumes (mounted), VLANs and VMs, a tenth of the objects per tenant.</summary>
    private static (SimulatedPlatform Platform, World World, TimeSpan Elapsed) Fill(SimulatorOptions options, int objects)
    {
        var platform = new SimulatedPlatform(TimeProvider.System, options);
        var world = new World([], []);
        var watch = Stopwatch.StartNew();
        var perTenant = objects / Tenants;
        var organization = platform.AddOrganization("Bench");
        for (var t = 0; t < Tenants; t++)
        {
            var tenant = platform.AddTenant(organization.Id, $"tenant-{t}").Id;
            var quarter = perTenant / 4;
            var tenantCpools = new List<string>();
            var tenantVolumes = new List<string>();
            for (var i = 0; i < quarter; i++)
            {
                tenantCpools.Add(platform.CreateCpool(tenant, new CpoolRequest($"cpool-{i}", Zone.PAR7S, BladeType.Standard, 3)).ResourceId);
                var volume = platform.CreateBlockVolume(tenant, $"ds-{i}", Zone.PAR7S, StorageClass.Standard, 4096).ResourceId;
                platform.MountBlockVolume(volume, tenantCpools[^1]);
                tenantVolumes.Add(volume);
                platform.CreateVlan(tenant, new VlanRequest($"vlan-{i}", [Zone.PAR7S]));
            }

            if (options.Cpool == TimeSpan.Zero)
            {
                for (var i = 0; i < perTenant - (3 * quarter); i++)
                {
                    platform.AddVirtualMachine(tenant, new VirtualMachineRequest(
                        $"vm-{i}", tenantCpools[i % quarter], tenantVolumes[i % quarter], 8, [new VirtualDisk("Hard disk 1", 40)], HostIndex: i % 3));
                }
            }

            world.Cpools.AddRange(tenantCpools);
            world.Volumes.AddRange(tenantVolumes);
        }

        return (platform, world, watch.Elapsed);
    }

    private static double Measure(int seconds, Action operation)
    {
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            operation();
            count++;
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    private static int Argument(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

using System.Globalization;
using System.Net;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using Microsoft.Extensions.Time.Testing;
using static CloudTemple.Operator.Tests.Platform.Console.ConsoleShapes;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>
/// The shared observation cache seen from the console: a partial list (206) never makes an object
/// look deleted, writes and operation ends make the next read go to a newer list, concurrent readers
/// share one list, and a list is reused within its freshness window only. The clock is a
/// <see cref="FakeTimeProvider"/> shared by the fake and the driver wherever time matters.
/// </summary>
public sealed class ObservationCacheContractTests
{
    private const string Policies = "/api/backup/v1/spp/policies";
    private const string Encrypted = "AES-256 (xts-plain64)";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-01T08:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ACpoolMissingFromAPartialList_IsReadAtItsOwnRoute_AndReturned()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(new[] { Cluster("hc-other", "other-th3s", "DC-TH3S", ["host-9"]) }, 206));
        console.OnGet($"{HostClusters}/hc-1").Answers(Reply.Json(Cluster("hc-1", "prod-par7s", "DC-PAR7S", ["host-1"], 768 * GiB, 0)));
        console.OnGet(Hosts).Answers(Reply.Json(new[] { Host("host-1", "esx-par7s-01") }));
        var platform = console.Connect();

        var cpool = await platform.Compute.GetCpoolAsync("hc-1");

        Assert.Equal(("hc-1", "prod-par7s"), (cpool.Id, cpool.Name));
        Assert.Single(console.RequestsTo(HttpMethod.Get, HostClusters));
        Assert.Single(console.RequestsTo(HttpMethod.Get, $"{HostClusters}/hc-1"));
    }

    [Fact]
    public async Task AVolumeMissingFromAPartialList_IsReadAtItsOwnRoute_AndReturned()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(Datastores).Answers(Reply.Json(new[] { Datastore("ds-other", "other", 2 * TiB, TiB, []) }, 206));
        console.OnGet($"{Datastores}/ds-1").Answers(Reply.Json(Datastore("ds-1", "vol-par7s", 2 * TiB, TiB, ["esx-par7s-01"])));
        console.OnGet(HostClusters).Answers(Reply.Json(new[] { Cluster("hc-1", "prod-par7s", "DC-PAR7S", ["host-1"]) }));
        console.OnGet(Hosts).Answers(Reply.Json(new[] { Host("host-1", "esx-par7s-01") }));
        console.OnGet(VirtualMachines).Answers(Reply.Json(Array.Empty<object>()));
        var platform = console.Connect();

        var volume = await platform.Storage.GetVolumeAsync("ds-1");

        Assert.Equal(("ds-1", "vol-par7s", 2048), (volume.Id, volume.Name, volume.CapacityGiB));
        Assert.Single(console.RequestsTo(HttpMethod.Get, Datastores));
        Assert.Single(console.RequestsTo(HttpMethod.Get, $"{Datastores}/ds-1"));
    }

    [Fact]
    public async Task ANameLookupOnAPartialList_FindsWhatItHas_AndIsUnavailableForWhatItLacks()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(new[] { Cluster("hc-1", "prod-par7s", "DC-PAR7S", ["host-1"]) }, 206));
        console.OnGet(Hosts).Answers(Reply.Json(new[] { Host("host-1", "esx-par7s-01") }));
        var platform = console.Connect();

        var found = await platform.Compute.FindCpoolByNameAsync("prod-par7s");
        var error = await Assert.ThrowsAsync<PlatformUnavailableException>(() => platform.Compute.FindCpoolByNameAsync("absent"));

        Assert.Equal("hc-1", found?.Id);
        Assert.Equal(206, error.StatusCode);

        // Both lookups read the one shared list; neither reads an item route.
        Assert.Single(console.Requests, r => r.Path.StartsWith(HostClusters, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnSlaAssignment_MakesTheNextReadOfThePolicyGoToANewerList_WhichShowsItsNewShape()
    {
        var clock = new FakeTimeProvider(Start);
        await using var console = await FakeConsole.StartAsync(clock);
        console.OnGet(Policies).Answers(
            Reply.Json(new[] { SlaPolicy("sla-daily", "daily", encrypted: false) }),
            Reply.Json(new[] { SlaPolicy("sla-daily", "daily", encrypted: true) }));
        console.OnGet(VirtualMachines).Answers(Reply.Json(new[] { VirtualMachine("vm-1", "web-01") }));
        console.OnGet($"{BackupVirtualMachines}/vm-1").Answers(
            Reply.Json(BackupVirtualMachine("vm-1", "web-01")),
            Reply.Json(BackupVirtualMachine("vm-1", "web-01")),
            Reply.Json(BackupVirtualMachine("vm-1", "web-01", "sla-daily")));
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-assign"));
        var platform = console.Connect(o => o with { Clock = clock });

        var before = await platform.Backup.GetPolicyAsync("sla-daily");
        clock.Advance(TimeSpan.FromSeconds(2));
        var unchanged = await platform.Backup.GetPolicyAsync("sla-daily");

        // Within the freshness window and untouched: served from the first list.
        Assert.Single(console.RequestsTo(HttpMethod.Get, Policies));
        Assert.Equal(("None", 0), (before.Encryption, before.Assignments.Count));
        Assert.Equal("None", unchanged.Encryption);

        await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);
        var after = await platform.Backup.GetPolicyAsync("sla-daily");

        Assert.Equal(2, console.RequestsTo(HttpMethod.Get, Policies).Count);
        Assert.Equal(Encrypted, after.Encryption);
        Assert.Equal("web-01", Assert.Single(after.Assignments).VirtualMachine);
    }

    [Fact]
    public async Task AnActivitySeenCompleted_MakesTheNextReadOfItsResourceGoToANewerList()
    {
        var clock = new FakeTimeProvider(Start);
        await using var console = await FakeConsole.StartAsync(clock);
        console.OnGet(HostClusters).Answers(
            Reply.Json(new[] { Cluster("hc-1", "prod-par7s", "DC-PAR7S", ["host-1"], 768 * GiB, 0) }),
            Reply.Json(new[] { Cluster("hc-1", "prod-par7s", "DC-PAR7S", ["host-1"], 2 * 768 * GiB, 0) }));
        console.OnGet(Hosts).Answers(Reply.Json(new[] { Host("host-1", "esx-par7s-01") }));

        // An activity an earlier process started (this session never wrote it): its result names the cluster.
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-earlier").Answers(Reply.Completed("act-earlier", "hc-1"));
        var platform = console.Connect(o => o with { Clock = clock });

        Assert.Equal(768, (await platform.Compute.GetCpoolAsync("hc-1")).MemoryGiB);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(768, (await platform.Compute.GetCpoolAsync("hc-1")).MemoryGiB);
        Assert.Single(console.RequestsTo(HttpMethod.Get, HostClusters));

        Assert.IsType<ActivityCompleted>(await platform.Activities.GetActivityAsync("act-earlier"));
        var after = await platform.Compute.GetCpoolAsync("hc-1");

        Assert.Equal(1536, after.MemoryGiB);
        Assert.Equal(2, console.RequestsTo(HttpMethod.Get, HostClusters).Count);
    }

    [Fact]
    public async Task TwentyConcurrentReadsOfDifferentCpools_ShareOneListOfClustersAndOneOfHosts()
    {
        await using var console = await FakeConsole.StartAsync();
        var ids = Enumerable.Range(0, 20).Select(i => $"hc-{i}").ToList();
        console.OnGet(HostClusters).Answers(Reply.Json(ids.Select(id => Cluster(id, $"cpool-{id}", "DC-PAR7S", ["host-1"])).ToArray()));
        console.OnGet(Hosts).Answers(Reply.Json(new[] { Host("host-1", "esx-par7s-01") }));
        var platform = console.Connect();

        // The token exchange is held until every reader has asked: they all wait for the same list.
        console.TokenGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = ids.Select(id => platform.Compute.GetCpoolAsync(id)).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(console.ArrivalsAt(FakeConsole.TokenRoute) == 1));
        console.TokenGate.SetResult();
        var cpools = await Task.WhenAll(reads);

        Assert.Equal(ids, cpools.Select(c => c.Id));
        Assert.Single(console.RequestsTo(HttpMethod.Get, HostClusters));
        Assert.Single(console.RequestsTo(HttpMethod.Get, Hosts));
        Assert.DoesNotContain(console.Requests, r => r.Path.StartsWith($"{HostClusters}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithinTheFreshnessWindow_AReadSendsNothing_AndAfterItOneNewList()
    {
        var clock = new FakeTimeProvider(Start);
        await using var console = await FakeConsole.StartAsync(clock);
        console.OnGet(VirtualMachines).Answers(
            Reply.Json(new[] { VirtualMachine("vm-1", "web-01") }),
            Reply.Json(new[] { VirtualMachine("vm-1", "web-01"), VirtualMachine("vm-2", "web-02") }));
        var platform = console.Connect(o => o with { Clock = clock, ListFreshness = TimeSpan.FromSeconds(10) });

        Assert.Single(await platform.Compute.GetVirtualMachinesAsync());
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(await platform.Compute.GetVirtualMachinesAsync());
        Assert.Single(console.RequestsTo(HttpMethod.Get, VirtualMachines));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, (await platform.Compute.GetVirtualMachinesAsync()).Count);
        Assert.Equal(2, console.RequestsTo(HttpMethod.Get, VirtualMachines).Count);
    }

    [Fact]
    public async Task AListThatMustBeNewer_WaitsForTheIntervalAfterTheLastList()
    {
        var clock = new FakeTimeProvider(Start);
        await using var console = await FakeConsole.StartAsync(clock);
        console.OnGet(VirtualMachines).Answers(
            Reply.Json(new[] { VirtualMachine("vm-1", "web-01") }),
            Reply.Json(new[] { VirtualMachine("vm-1", "web-01"), VirtualMachine("vm-2", "web-02") }));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-earlier").Answers(Reply.Completed("act-earlier", "vm-2"));
        var platform = console.Connect(o => o with { Clock = clock, ListInterval = TimeSpan.FromSeconds(1), IdleListInterval = TimeSpan.FromSeconds(1) });
        Assert.Single(await platform.Compute.GetVirtualMachinesAsync());

        // 100 ms later an operation of an earlier process is seen ending: whole lists must be newer than that.
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await platform.Activities.GetActivityAsync("act-earlier");
        var read = platform.Compute.GetVirtualMachinesAsync();

        // The next list is due one interval after the last: nothing is sent before the clock gets there.
        Assert.False(read.IsCompleted);
        Assert.Single(console.RequestsTo(HttpMethod.Get, VirtualMachines));
        clock.Advance(TimeSpan.FromMilliseconds(900));

        Assert.Equal(2, (await read).Count);
        Assert.Equal(2, console.RequestsTo(HttpMethod.Get, VirtualMachines).Count);
    }

    [Fact]
    public async Task AListAnsweredSynchronously_IsReturned()
    {
        // A handler that answers before SendAsync returns: the list completes on the reader's own
        // thread, as an answer that arrives before the reader checks the task does on a loaded machine.
        var handler = new SynchronousHandler(request => request.RequestUri!.AbsolutePath == FakeConsole.TokenRoute
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Jwt.Unsigned(new { exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds() })) }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]", System.Text.Encoding.UTF8, "application/json") });
        using var connections = new ConsolePlatformConnections(FakeConsole.FastOptions with { HandlerFactory = () => handler });
        var platform = connections.Connect(FakeConsole.Credentials);

        Assert.Empty(await platform.Compute.GetVirtualMachinesAsync());
    }

    private static object SlaPolicy(string id, string name, bool encrypted) => new
    {
        id,
        name,
        subPolicies = new[] { new { type = "REPLICATION", useEncryption = encrypted, site = "PAR7S" } },
    };

    private sealed class SynchronousHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}

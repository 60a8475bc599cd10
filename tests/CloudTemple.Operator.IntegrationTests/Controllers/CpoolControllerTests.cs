using BlockVolume = CloudTemple.Operator.Entities.BlockVolume;
using CloudTemple.Operator.Controllers.BlockVolumes;
using CloudTemple.Operator.Controllers.Cpools;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Simulator.Model;
using Cpool = CloudTemple.Operator.Entities.Cpool;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// The Cpool controller end to end: the real API server, the real simulator service on loopback (the
/// sandbox's inventory), and the operator's runtime with the platform driver (and the BlockVolume
/// controller, for usage protection).
/// </summary>
public sealed class CpoolControllerTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with { Cpool = TimeSpan.FromMilliseconds(300), HypervisorUpdatePerHost = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task ACpool_BecomesReady_WithTheDomainsMemoryFigures_AndItsBill()
    {
        await using var host = StartOperator();

        await Apply("web-pool", "availabilityZone: PAR7S\n  bladeType: standard\n  hosts: 3");

        var cpool = await WaitForCpoolAsync("web-pool", c => IsReadyAt(c, 1), "Ready");
        var status = cpool!.Status!;
        Assert.Equal(3, status.Hosts);
        Assert.Equal(384, status.MemoryGiB); // C4: hosts × 128 by default
        Assert.Equal(1152, status.MemoryMaxGiB); // C4: hosts × 384 for STANDARD
        Assert.Equal(0, status.Gpus);
        Assert.Equal(0, status.MemoryUsagePercent);
        Assert.Equal(0, status.VirtualMachines);
        Assert.Equal(SimulatedPlatform.InitialEsxiBuild, status.HypervisorBuild);
        var bill = Assert.Single(status.Billing);
        Assert.Equal(PlatformCatalog.Blade(BladeType.Standard).Sku, bill.Sku);
        Assert.Equal(3, bill.Quantity);
        Assert.Equal("host", bill.Unit);
        Assert.Equal(ConditionStatus.True, Condition(cpool, CpoolKind.HighAvailability).Status);
        Assert.Equal(ConditionStatus.False, Condition(cpool, CpoolKind.MemoryPressure).Status);
        Assert.Equal(ConditionStatus.True, Condition(cpool, CpoolKind.AffinityRulesSatisfiable).Status);
        var onPlatform = Assert.Single(Platform.GetCpools(AcmeTenant), c => c.Name == "web-pool");
        Assert.Equal(onPlatform.Id, status.ExternalId);
        Assert.Equal(384, onPlatform.MemoryGiB);
        Assert.Null(status.ActivityId);
    }

    [Fact]
    public async Task APerformance4Cpool_ExposesTwoGpusPerHost()
    {
        await using var host = StartOperator();

        await Apply("gpu-pool", "availabilityZone: TH3S\n  bladeType: perf4\n  hosts: 2\n  memoryGiB: 1024");

        var status = (await WaitForCpoolAsync("gpu-pool", c => IsReadyAt(c, 1), "Ready"))!.Status!;
        Assert.Equal(4, status.Gpus); // C10
        Assert.Equal(1024, status.MemoryGiB);
        Assert.Equal(1024, status.MemoryMaxGiB); // 2 × 512
        Assert.Equal(PlatformCatalog.Blade(BladeType.Perf4).Sku, Assert.Single(status.Billing).Sku);
    }

    [Fact]
    public async Task ASpecChange_IsCarriedToThePlatform_AndAHypervisorBuildIsRolledWithProgress()
    {
        await using var host = StartOperator();
        await Apply("grow-pool", "availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 2");
        await WaitForCpoolAsync("grow-pool", c => IsReadyAt(c, 1), "Ready");

        await Apply("grow-pool", "availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 3\n  memoryGiB: 600\n  highAvailability: false\n  affinityRules: [{name: front, type: AntiAffinity, virtualMachines: [web-a, web-b]}]");

        var grown = await WaitForCpoolAsync("grow-pool", c => IsReadyAt(c, 2) && c!.Status!.Hosts == 3, "Ready with 3 hosts");
        Assert.Equal(600, grown!.Status!.MemoryGiB);
        Assert.Equal(1152, grown.Status.MemoryMaxGiB);
        var high = Condition(grown, CpoolKind.HighAvailability);
        Assert.Equal(ConditionStatus.False, high.Status);
        Assert.Equal("Disabled", high.Reason);
        var onPlatform = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "grow-pool");
        Assert.Equal(3, onPlatform.Hosts.Count);
        Assert.Equal(600, onPlatform.MemoryGiB);
        Assert.False(onPlatform.HighAvailability);
        Assert.Equal(["web-a", "web-b"], Assert.Single(onPlatform.AffinityRules).VirtualMachines);

        await Apply("grow-pool", "availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 3\n  memoryGiB: 600\n  highAvailability: false\n  hypervisorBuild: \"24999999\"\n  affinityRules: [{name: front, type: AntiAffinity, virtualMachines: [web-a, web-b]}]");

        var rolling = await WaitForCpoolAsync("grow-pool",
            c => c?.Status?.Conditions.Any(x => x.Type == "Reconciling" && x.Status == ConditionStatus.True && x.ObservedGeneration == 3
                && x.Message.Contains("Waiting for platform activity", StringComparison.Ordinal)) == true,
            "Reconciling with progress during the roll");
        Assert.Matches(@"\(\d+ %\)", Condition(rolling, "Reconciling").Message);
        var rolled = await WaitForCpoolAsync("grow-pool", c => IsReadyAt(c, 3) && c!.Status!.HypervisorBuild == "24999999", "Ready on the new build");
        Assert.Equal("24999999", rolled!.Status!.HypervisorBuild);
        Assert.All(Platform.GetCpools(AcmeTenant).Single(c => c.Name == "grow-pool").Hosts, h => Assert.Equal("24999999", h.EsxiBuild));
    }

    [Fact]
    public async Task AOneHostCpool_ReportsNoHighAvailability_AndStaysReady()
    {
        await using var host = StartOperator();

        await Apply("solo-pool", "availabilityZone: AZ07\n  bladeType: eco\n  hosts: 1");

        var cpool = await WaitForCpoolAsync("solo-pool", c => IsReadyAt(c, 1), "Ready");
        var high = Condition(cpool, CpoolKind.HighAvailability);
        Assert.Equal(ConditionStatus.False, high.Status);
        Assert.Equal("TooFewHosts", high.Reason);
        Assert.Contains("no HA restart, the 99.99 % SLA does not apply", high.Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.True, Condition(cpool, "Ready").Status);
    }

    [Fact]
    public async Task AnAntiAffinityRuleOverMoreVmsThanHosts_IsReportedUnsatisfiable()
    {
        await using var host = StartOperator();

        await Apply("spread-pool", "availabilityZone: PAR7S\n  bladeType: standard\n  hosts: 2\n  affinityRules: [{name: spread, type: AntiAffinity, virtualMachines: [vm-1, vm-2, vm-3]}, {name: paused, type: AntiAffinity, enabled: false, virtualMachines: [vm-4, vm-5, vm-6]}]");

        var cpool = await WaitForCpoolAsync("spread-pool", c => IsReadyAt(c, 1), "Ready");
        var affinity = Condition(cpool, CpoolKind.AffinityRulesSatisfiable);
        Assert.Equal(ConditionStatus.False, affinity.Status);
        Assert.Contains("anti-affinity rule 'spread' keeps 3 VMs on different hosts", affinity.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'paused'", affinity.Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.True, Condition(cpool, CpoolKind.HighAvailability).Status);
    }

    [Fact]
    public async Task AnAdoptedCpoolWhoseHostsAreAbove85Percent_ReportsMemoryPressure()
    {
        var cpoolId = Platform.CreateCpool(AcmeTenant, new CpoolRequest("hot-pool", Zone.PAR7S, BladeType.Eco, 2, 256)).ResourceId;
        var volumeId = Platform.CreateBlockVolume(AcmeTenant, "hot-pool-ds", Zone.PAR7S, StorageClass.Standard, 1024).ResourceId;
        Platform.MountBlockVolume(volumeId, cpoolId);
        Platform.AddVirtualMachine(AcmeTenant, new VirtualMachineRequest("hot-01", cpoolId, volumeId, 120, [new VirtualDisk("Hard disk 1", 40)], PowerState.PoweredOn, HostIndex: 0));
        Platform.AddVirtualMachine(AcmeTenant, new VirtualMachineRequest("hot-02", cpoolId, volumeId, 120, [new VirtualDisk("Hard disk 1", 40)], PowerState.PoweredOn, HostIndex: 1));
        await using var host = StartOperator();

        await Apply("hot-pool", $"availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 2\n  memoryGiB: 256\n  externalId: {cpoolId}");

        var cpool = await WaitForCpoolAsync("hot-pool", c => IsReadyAt(c, 1), "Ready");
        Assert.Equal(cpoolId, cpool!.Status!.ExternalId);
        Assert.Equal(94, cpool.Status.MemoryUsagePercent); // 120 of 128 GiB per host
        Assert.Equal(2, cpool.Status.VirtualMachines);
        var pressure = Condition(cpool, CpoolKind.MemoryPressure);
        Assert.Equal(ConditionStatus.True, pressure.Status);
        Assert.Contains("above 85 %", pressure.Message, StringComparison.Ordinal);
        Assert.Single(Platform.GetCpools(AcmeTenant), c => c.Name == "hot-pool");
    }

    [Fact]
    public async Task DeletingACpoolUsedByABlockVolume_WaitsNamingIt_ThenRemovesItFromThePlatform()
    {
        await using var host = StartOperator();
        await Apply("store-pool", "availabilityZone: PAR7S\n  bladeType: standard\n  hosts: 2");
        await WaitForCpoolAsync("store-pool", c => IsReadyAt(c, 1), "Ready");
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            "apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: BlockVolume\nmetadata:\n  name: store-vol\nspec:\n  availabilityZone: PAR7S\n  storageClass: standard\n  sizeGiB: 1024\n  cpoolRefs: [{name: store-pool}]\n")).EnsureSuccess();
        await Eventually.UntilAsync(() => GetAsync<BlockVolume>("store-vol"), v => IsReadyAt(v, 1), Deadline, "store-vol Ready");
        var cpoolId = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "store-pool").Id;

        (await Kubectl.RunAsync("delete", "cpool", "store-pool", "-n", Namespace, "--wait=false")).EnsureSuccess();

        var waiting = await WaitForCpoolAsync("store-pool",
            c => c?.Status?.Conditions.Any(x => x.Type == "Reconciling" && x.Reason == "InUse") == true, "the deletion to wait for its user");
        Assert.Contains("Still used by BlockVolume/store-vol", Condition(waiting, "Reconciling").Message, StringComparison.Ordinal);
        Assert.NotNull(Platform.GetCpool(cpoolId));

        (await Kubectl.RunAsync("delete", "blockvolume", "store-vol", "-n", Namespace, "--wait=false")).EnsureSuccess();

        await WaitForCpoolAsync("store-pool", c => c is null, "store-pool to be gone");
        Assert.Null(Platform.GetCpool(cpoolId));
        Assert.DoesNotContain(Platform.GetBlockVolumes(AcmeTenant), v => v.Name == "store-vol");
    }

    [Fact]
    public async Task AHypervisorUpdateOfAOneHostCpool_RefusedByThePlatform_EndsStalledWithTheRule()
    {
        await using var host = StartOperator();
        await Apply("lone-pool", "availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 1");
        await WaitForCpoolAsync("lone-pool", c => IsReadyAt(c, 1), "Ready");

        // Without the webhook nothing stops the change before the platform, which refuses it (C8).
        await Apply("lone-pool", "availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 1\n  hypervisorBuild: \"24999999\"");

        var stalled = await WaitForCpoolAsync("lone-pool",
            c => c?.Status?.Conditions.Any(x => x.Type == "Stalled" && x.Status == ConditionStatus.True && x.ObservedGeneration == 2) == true, "Stalled");
        var condition = Condition(stalled, "Stalled");
        Assert.Equal("PlatformRefused", condition.Reason);
        Assert.Contains("at least 2 hosts", condition.Message, StringComparison.Ordinal);
        Assert.All(Platform.GetCpools(AcmeTenant).Single(c => c.Name == "lone-pool").Hosts, h => Assert.Equal(SimulatedPlatform.InitialEsxiBuild, h.EsxiBuild));
    }

    [Fact]
    public async Task ACpoolOfTheSameNameOnThePlatform_IsNotAdoptedSilently()
    {
        await using var host = StartOperator();

        await Apply("prod-par7s", "availabilityZone: PAR7S\n  bladeType: standard\n  hosts: 3\n  memoryGiB: 768");

        var stalled = await WaitForCpoolAsync("prod-par7s", c => c?.Status?.Conditions.Any(x => x.Type == "Stalled" && x.Status == ConditionStatus.True) == true, "Stalled");
        Assert.Equal("AlreadyExists", Condition(stalled, "Stalled").Reason);
        Assert.Single(Platform.GetCpools(AcmeTenant), c => c.Name == "prod-par7s");
    }

    [Fact]
    public async Task ObserveMode_ImportsASeedCpool_AndNeverWritesToThePlatform()
    {
        var existing = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "dr-th3s");
        var operationsBefore = Platform.GetOperationsOn(existing.Id).Count;
        await using var host = StartOperator();

        await Apply("dr-th3s", "managementPolicy: Observe\n  availabilityZone: TH3S\n  bladeType: standard\n  hosts: 4");

        var cpool = await WaitForCpoolAsync("dr-th3s", c => IsReadyAt(c, 1), "Ready");
        Assert.Equal("Observed", Condition(cpool, "Ready").Reason);
        Assert.Equal(existing.Id, cpool!.Status!.ExternalId);
        Assert.Equal(2, cpool.Status.Hosts); // what the platform has, not the spec
        Assert.Equal(256, cpool.Status.MemoryGiB);
        Assert.Equal(2, cpool.Status.VirtualMachines); // th3s-batch-01, th3s-report-01
        Assert.Equal(operationsBefore, Platform.GetOperationsOn(existing.Id).Count);

        (await Kubectl.RunAsync("delete", "cpool", "dr-th3s", "-n", Namespace)).EnsureSuccess();
        Assert.NotNull(Platform.GetCpool(existing.Id));
    }

    [Fact]
    public async Task KillingTheOperatorInTheMiddleOfACreation_CreatesNothingTwice()
    {
        var first = StartOperator();
        await Apply("crash-pool", "availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 2");
        await WaitForCpoolAsync("crash-pool", c => c?.Status?.ActivityId is not null, "the activity id to be saved before waiting");
        await first.DisposeAsync();

        await using var second = StartOperator();
        await WaitForCpoolAsync("crash-pool", c => IsReadyAt(c, 1), "Ready after the restart");

        Assert.Single(Platform.GetCpools(AcmeTenant), c => c.Name == "crash-pool");
    }

    private RuntimeHost StartOperator()
    {
        var (connections, credentials) = Drivers();
        var view = View;
        var options = new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200) };
        return RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, runtime =>
        {
            runtime.AddController(new CpoolKind().Reconciler(connections, credentials, view, options));
            runtime.AddController(new BlockVolumeKind().Reconciler(connections, credentials, view, options));
        }, loggers: Loggers);
    }

    private async Task Apply(string name, string spec) =>
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Cpool\nmetadata:\n  name: {name}\nspec:\n  {spec}\n")).EnsureSuccess();

    private Task<Cpool?> WaitForCpoolAsync(string name, Func<Cpool?, bool> done, string what) => WaitForAsync(name, done, what);

    private static Entities.Condition Condition(ICustomResource? entity, string type) =>
        Assert.Single(entity!.CommonStatus.Conditions, c => c.Type == type);
}

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
/// The BlockVolume controller end to end: the real API server, the real simulator service on
/// loopback (the sandbox's inventory), and the operator's runtime with the platform driver and the
/// Cpool controller (the volumes' references).
/// </summary>
public sealed class BlockVolumeControllerTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with { BlockVolume = TimeSpan.FromMilliseconds(300), GlobalMirror = TimeSpan.FromMilliseconds(300) };

    [Fact]
    public async Task APremiumVolume_BecomesReady_WithItsIopsLimit_Encryption_Headroom_AndBill()
    {
        await using var host = StartOperator();

        await Apply("fast-vol", "availabilityZone: PAR7S\n  storageClass: premium\n  sizeGiB: 2048");

        var volume = await WaitForVolumeAsync("fast-vol", v => IsReadyAt(v, 1), "Ready");
        var status = volume!.Status!;
        Assert.Equal(6000, status.IopsLimit); // B2: 3000 IOPS/TiB × 2 TiB
        Assert.Contains("XTS-AES-256", status.Encryption, StringComparison.Ordinal); // B4
        Assert.Equal(2048, status.CapacityGiB);
        Assert.Equal(2048, status.FreeGiB);
        var bill = Assert.Single(status.Billing);
        Assert.Equal(PlatformCatalog.StorageClassOf(StorageClass.Premium).Sku, bill.Sku);
        Assert.Equal(2048, bill.Quantity);
        Assert.Equal("GiB", bill.Unit);
        Assert.Equal(ConditionStatus.True, Condition(volume, BlockVolumeKind.Headroom).Status);
        Assert.DoesNotContain(status.Conditions, c => c.Type == BlockVolumeKind.Replicating);
        var onPlatform = Assert.Single(Platform.GetBlockVolumes(AcmeTenant), v => v.Name == "fast-vol");
        Assert.Equal(onPlatform.Id, status.ExternalId);
        Assert.Null(status.ActivityId);
    }

    [Fact]
    public async Task AVolume_IsMountedOnItsCpools_ThenGrowsAndChangesClass()
    {
        await using var host = StartOperator();
        await ApplyCpool("mount-pool", "PAR7S");
        await Apply("mount-vol", "availabilityZone: PAR7S\n  storageClass: standard\n  sizeGiB: 1024\n  cpoolRefs: [{name: mount-pool}]");

        var mounted = await WaitForVolumeAsync("mount-vol", v => IsReadyAt(v, 1), "Ready and mounted");
        Assert.Equal(1500, mounted!.Status!.IopsLimit); // 1500 IOPS/TiB × 1 TiB
        var cpoolId = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "mount-pool").Id;
        Assert.Equal([cpoolId], Platform.GetBlockVolumes(AcmeTenant).Single(v => v.Name == "mount-vol").CpoolIds);

        await Apply("mount-vol", "availabilityZone: PAR7S\n  storageClass: premium\n  sizeGiB: 2048\n  cpoolRefs: []");

        var grown = await WaitForVolumeAsync("mount-vol", v => IsReadyAt(v, 2) && v!.Status!.CapacityGiB == 2048, "Ready at 2048 GiB");
        Assert.Equal(6000, grown!.Status!.IopsLimit);
        var onPlatform = Platform.GetBlockVolumes(AcmeTenant).Single(v => v.Name == "mount-vol");
        Assert.Equal(StorageClass.Premium, onPlatform.StorageClass);
        Assert.Equal(2048, onPlatform.SizeGiB);
        Assert.Empty(onPlatform.CpoolIds);
    }

    [Fact]
    public async Task AGlobalMirrorVolume_Replicates_IsBilledForTheLicence_AndFailsOverDeclaratively()
    {
        await using var host = StartOperator();
        await ApplyCpool("src-pool", "PAR7S");
        await ApplyCpool("standby-pool", "TH3S");
        const string Replicated = "availabilityZone: PAR7S\n  storageClass: standard\n  sizeGiB: 2048\n  cpoolRefs: [{name: src-pool}]\n  replication: {mode: Async, targetAvailabilityZone: TH3S, standbyCpoolRef: {name: standby-pool}";
        await Apply("mirror-vol", Replicated + "}");

        var volume = await WaitForVolumeAsync("mirror-vol", v => IsReadyAt(v, 1), "Ready and replicating");
        var status = volume!.Status!;
        var replicating = Condition(volume, BlockVolumeKind.Replicating);
        Assert.Equal(ConditionStatus.True, replicating.Status);
        Assert.Equal("Consistent", replicating.Reason);
        Assert.Equal("Consistent", status.Replication!.State);
        Assert.NotNull(status.Replication.LastSyncTime);
        var source = Platform.GetBlockVolumes(AcmeTenant).Single(v => v.Name == "mirror-vol");
        Assert.Equal(source.Replication!.ReplicaVolumeId, status.Replication.TargetExternalId);
        Assert.Contains(status.Billing, b => b.Sku == PlatformCatalog.GlobalMirrorLicenceSku && b.Quantity == 2 && b.Unit == "TiB");

        await Apply("mirror-vol", Replicated + ", failover: true}");

        var failedOver = await WaitForVolumeAsync("mirror-vol", v => IsReadyAt(v, 2) && v!.Status!.Replication?.State == "FailedOver", "failed over");
        Assert.Equal("FailedOver", Condition(failedOver, BlockVolumeKind.Replicating).Reason);
        var standbyId = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "standby-pool").Id;
        Assert.Equal([standbyId], Platform.GetBlockVolume(source.Replication.ReplicaVolumeId)!.CpoolIds);
    }

    [Fact]
    public async Task AReplicatedUltraVolume_WithoutTheWebhook_EndsStalledWithRuleB11_AndCreatesNothing()
    {
        await using var host = StartOperator();
        await ApplyCpool("ultra-standby", "TH3S");

        await Apply("ultra-vol", "availabilityZone: PAR7S\n  storageClass: ultra\n  sizeGiB: 1024\n  replication: {mode: Async, targetAvailabilityZone: TH3S, standbyCpoolRef: {name: ultra-standby}}");

        var stalled = await WaitForVolumeAsync("ultra-vol", v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True) == true, "Stalled");
        var condition = Condition(stalled, "Stalled");
        Assert.Contains("B11", condition.Message, StringComparison.Ordinal);
        Assert.Contains("essential, standard and premium", condition.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetBlockVolumes(AcmeTenant), v => v.Name == "ultra-vol");
    }

    [Fact]
    public async Task ADatastoreShortOfHeadroom_ReportsItWithTheFigures_InObserveMode()
    {
        var cpoolId = Platform.CreateCpool(AcmeTenant, new CpoolRequest("tight-pool", Zone.PAR7S, BladeType.Standard, 2)).ResourceId;
        var volumeId = Platform.CreateBlockVolume(AcmeTenant, "tight-vol", Zone.PAR7S, StorageClass.Standard, 500).ResourceId;
        Platform.MountBlockVolume(volumeId, cpoolId);
        await Eventually.UntilAsync(() => Task.FromResult(Platform.GetBlockVolume(volumeId)), v => v?.CpoolIds.Contains(cpoolId) == true, Deadline, "the volume to be mounted");
        Platform.AddVirtualMachine(AcmeTenant, new VirtualMachineRequest("tight-01", cpoolId, volumeId, 16, [new VirtualDisk("Hard disk 1", 470)], PowerState.PoweredOn));
        var operationsBefore = Platform.GetOperationsOn(volumeId).Count;
        await using var host = StartOperator();

        await Apply("tight-vol", $"managementPolicy: Observe\n  externalId: {volumeId}\n  availabilityZone: PAR7S\n  storageClass: standard\n  sizeGiB: 500");

        var volume = await WaitForVolumeAsync("tight-vol", v => IsReadyAt(v, 1), "Ready (observed)");
        Assert.Equal(30, volume!.Status!.FreeGiB);
        var headroom = Condition(volume, BlockVolumeKind.Headroom);
        Assert.Equal(ConditionStatus.False, headroom.Status);
        Assert.Contains("30 GiB free of 500 GiB; needed 66 GiB: 16 GiB of memory of the started VMs (.vswp files) plus 50 GiB", headroom.Message, StringComparison.Ordinal);
        Assert.Equal(operationsBefore, Platform.GetOperationsOn(volumeId).Count);
    }

    [Fact]
    public async Task DeletingAVolumeUsedByAVmReplication_WaitsNamingIt_ThenRemovesItFromThePlatform()
    {
        await using var host = StartOperator();
        await Apply("dr-vol", "availabilityZone: TH3S\n  storageClass: standard\n  sizeGiB: 1024");
        var ready = await WaitForVolumeAsync("dr-vol", v => IsReadyAt(v, 1), "Ready");
        var volumeId = ready!.Status!.ExternalId!;
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            "apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: VmReplication\nmetadata:\n  name: web-dr\nspec:\n  virtualMachine: web-01\n  targetCpoolRef: {name: dr-pool}\n  targetBlockVolumeRef: {name: dr-vol}\n  rpoHours: 4\n")).EnsureSuccess();

        (await Kubectl.RunAsync("delete", "blockvolume", "dr-vol", "-n", Namespace, "--wait=false")).EnsureSuccess();

        var waiting = await WaitForVolumeAsync("dr-vol", v => v?.Status?.Conditions.Any(c => c.Type == "Reconciling" && c.Reason == "InUse") == true, "the deletion to wait for its user");
        Assert.Contains("Still used by VmReplication/web-dr", Condition(waiting, "Reconciling").Message, StringComparison.Ordinal);
        Assert.NotNull(Platform.GetBlockVolume(volumeId));

        (await Kubectl.RunAsync("delete", "vmreplication", "web-dr", "-n", Namespace)).EnsureSuccess();

        await WaitForVolumeAsync("dr-vol", v => v is null, "dr-vol to be gone");
        Assert.Null(Platform.GetBlockVolume(volumeId));
    }

    [Fact]
    public async Task WhileAReferencedCpoolIsMissing_TheVolumeWaits_SaysWhich_AndCreatesNothing()
    {
        await using var host = StartOperator();

        await Apply("orphan-vol", "availabilityZone: PAR7S\n  storageClass: essential\n  sizeGiB: 500\n  cpoolRefs: [{name: nowhere-pool}]");

        var waiting = await WaitForVolumeAsync("orphan-vol",
            v => v?.Status?.Conditions.Any(c => c.Type == Reasons.ReferencesReady && c.Status == ConditionStatus.False) == true,
            "ReferencesReady False");
        Assert.Contains("Cpool 'nowhere-pool' does not exist", Condition(waiting, "Reconciling").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetBlockVolumes(AcmeTenant), v => v.Name == "orphan-vol");
    }

    [Fact]
    public async Task AFailoverWithoutRoomOnTheStandbyCpool_IsRefusedByThePlatform_AndEndsStalled()
    {
        await using var host = StartOperator();
        await ApplyCpool("busy-pool", "PAR7S");
        await ApplyCpool("small-standby", "TH3S");
        const string Replicated = "availabilityZone: PAR7S\n  storageClass: essential\n  sizeGiB: 1024\n  cpoolRefs: [{name: busy-pool}]\n  replication: {mode: Async, targetAvailabilityZone: TH3S, standbyCpoolRef: {name: small-standby}";
        await Apply("busy-vol", Replicated + "}");
        var ready = await WaitForVolumeAsync("busy-vol", v => IsReadyAt(v, 1), "Ready and replicating");
        var volumeId = ready!.Status!.ExternalId!;
        var cpoolId = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "busy-pool").Id;
        Platform.AddVirtualMachine(AcmeTenant, new VirtualMachineRequest("big-01", cpoolId, volumeId, 300, [new VirtualDisk("Hard disk 1", 100)]));

        await Apply("busy-vol", Replicated + ", failover: true}");

        var stalled = await WaitForVolumeAsync("busy-vol",
            v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True && c.ObservedGeneration == 2) == true, "Stalled");
        var condition = Condition(stalled, "Stalled");
        Assert.Equal("PlatformRefused", condition.Reason);
        Assert.Contains("has 256 GiB free, the volume's VMs need 300 GiB", condition.Message, StringComparison.Ordinal);
        Assert.Equal(GlobalMirrorState.Consistent, Platform.GetBlockVolume(volumeId)!.Replication!.State);
    }

    [Fact]
    public async Task ACpoolDroppedFromCpoolRefs_IsNotUnmountedUnderItsRunningVms()
    {
        await using var host = StartOperator();
        await ApplyCpool("keep-pool", "PAR7S");
        await Apply("keep-vol", "availabilityZone: PAR7S\n  storageClass: standard\n  sizeGiB: 1024\n  cpoolRefs: [{name: keep-pool}]");
        var ready = await WaitForVolumeAsync("keep-vol", v => IsReadyAt(v, 1), "Ready and mounted");
        var volumeId = ready!.Status!.ExternalId!;
        var cpoolId = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "keep-pool").Id;
        Platform.AddVirtualMachine(AcmeTenant, new VirtualMachineRequest("keep-01", cpoolId, volumeId, 8, [new VirtualDisk("Hard disk 1", 40)], PowerState.PoweredOn));

        await Apply("keep-vol", "availabilityZone: PAR7S\n  storageClass: standard\n  sizeGiB: 1024\n  cpoolRefs: []");

        var stalled = await WaitForVolumeAsync("keep-vol",
            v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True && c.ObservedGeneration == 2) == true, "Stalled");
        Assert.Contains("keep-01", Condition(stalled, "Stalled").Message, StringComparison.Ordinal);
        Assert.Equal([cpoolId], Platform.GetBlockVolume(volumeId)!.CpoolIds);
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
            $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: BlockVolume\nmetadata:\n  name: {name}\nspec:\n  {spec}\n")).EnsureSuccess();

    private async Task ApplyCpool(string name, string zone)
    {
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Cpool\nmetadata:\n  name: {name}\nspec:\n  availabilityZone: {zone}\n  bladeType: standard\n  hosts: 2\n")).EnsureSuccess();
        await Eventually.UntilAsync(() => GetAsync<Cpool>(name), c => IsReadyAt(c, 1), Deadline, $"Cpool {name} Ready");
    }

    private Task<BlockVolume?> WaitForVolumeAsync(string name, Func<BlockVolume?, bool> done, string what) => WaitForAsync(name, done, what);

    private static Entities.Condition Condition(ICustomResource? entity, string type) =>
        Assert.Single(entity!.CommonStatus.Conditions, c => c.Type == type);
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Controllers.VmReplications;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Simulator.Model;
using VmReplication = CloudTemple.Operator.Entities.VmReplication;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// The VmReplication controller end to end: the real API server, the real simulator service on
/// loopback (the sandbox's inventory), and the operator's runtime with the platform driver. The
/// standby Cpool and volume are the inventory's dr-th3s and base-th3s-ds01, adopted by objects
/// whose Ready status the test writes itself (their controllers are not part of this test).
/// </summary>
public sealed class VmReplicationControllerTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with
        {
            VmReplication = TimeSpan.FromMilliseconds(300),
            Delete = TimeSpan.FromMilliseconds(200),
        };

    [Fact]
    public async Task AReplication_BecomesReady_Replicating_WithItsZones_AndTheStandbyCapacityInFigures()
    {
        await AdoptStandbySiteAsync();
        await using var host = StartOperator();

        await Apply("app-01-dr", "app-01");

        var replication = await WaitForReplicationAsync("app-01-dr", r => IsReadyAt(r, 1) && r!.Status!.Phase == VmReplicationPhase.Replicating, "Ready and Replicating");
        var status = replication!.Status!;
        Assert.Equal("PAR7S", status.SourceAvailabilityZone);
        Assert.Equal("TH3S", status.TargetAvailabilityZone);
        Assert.NotNull(status.LastSyncTime);
        var capacity = status.Conditions.Single(c => c.Type == VmReplicationKind.CapacityReserved);
        Assert.Equal(ConditionStatus.True, capacity.Status);
        Assert.Contains("VM 'app-01' needs 16 GiB", capacity.Message, StringComparison.Ordinal);
        Assert.Contains(status.Conditions, c => c.Type == VmReplicationKind.SnapshotHealthy && c.Status == ConditionStatus.True);
        var onPlatform = Assert.Single(Platform.GetVmReplications(AcmeTenant), r => r.VirtualMachine == "app-01");
        Assert.Equal(onPlatform.Id, status.ExternalId);
        Assert.Equal(4, onPlatform.RpoHours);
    }

    [Fact]
    public async Task AWriteHeavyVm_IsReportedWithSnapshotHealthyFalse_AndNeverForced()
    {
        await AdoptStandbySiteAsync();
        await using var host = StartOperator();

        await Apply("db-01-dr", "db-01");

        var replication = await WaitForReplicationAsync("db-01-dr",
            r => IsReadyAt(r, 1) && r!.Status!.Conditions.Any(c => c.Type == VmReplicationKind.SnapshotHealthy && c.Status == ConditionStatus.False),
            "SnapshotHealthy False");
        var status = replication!.Status!;
        Assert.Equal(VmReplicationPhase.Degraded, status.Phase);
        var snapshots = status.Conditions.Single(c => c.Type == VmReplicationKind.SnapshotHealthy);
        Assert.Equal("SnapshotNotClosing", snapshots.Reason);
        Assert.Contains("VM 'db-01'", snapshots.Message, StringComparison.Ordinal);
        Assert.Single(Platform.GetOperationsOn(status.ExternalId!)); // the create only: nothing was forced
    }

    [Fact]
    public async Task FailoverTrue_ActivatesTheMirror()
    {
        await AdoptStandbySiteAsync();
        await using var host = StartOperator();
        await Apply("web-02-dr", "web-02");
        await WaitForReplicationAsync("web-02-dr", r => IsReadyAt(r, 1) && r!.Status!.Phase == VmReplicationPhase.Replicating, "Replicating");

        await Apply("web-02-dr", "web-02", failover: true);

        await WaitForReplicationAsync("web-02-dr", r => IsReadyAt(r, 2) && r!.Status!.Phase == VmReplicationPhase.FailedOver, "FailedOver");
        Assert.Equal(Entities.Catalog.Zone.TH3S, Platform.GetVirtualMachine(AcmeTenant, "web-02")!.Zone);
    }

    [Fact]
    public async Task WhileTheTargetsAreMissing_TheReplicationWaits_SaysWhich_AndCreatesNothing()
    {
        await using var host = StartOperator();

        await Apply("cache-01-dr", "cache-01");

        var waiting = await WaitForReplicationAsync("cache-01-dr",
            r => r?.Status?.Conditions.Any(c => c.Type == Reasons.ReferencesReady && c.Status == ConditionStatus.False) == true,
            "ReferencesReady False");
        Assert.Contains("Cpool 'dr-th3s' does not exist", waiting!.Status!.Conditions.Single(c => c.Type == "Reconciling").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetVmReplications(AcmeTenant), r => r.VirtualMachine == "cache-01");
    }

    [Fact]
    public async Task Deleting_RemovesTheReplicationFromThePlatform()
    {
        await AdoptStandbySiteAsync();
        await using var host = StartOperator();
        await Apply("web-03-dr", "web-03");
        var replication = await WaitForReplicationAsync("web-03-dr", r => IsReadyAt(r, 1), "Ready");
        var id = replication!.Status!.ExternalId!;

        (await Kubectl.RunAsync("delete", "vmreplication", "web-03-dr", "-n", Namespace, "--wait=false")).EnsureSuccess();

        await WaitForReplicationAsync("web-03-dr", r => r is null, "the replication to be gone");
        Assert.DoesNotContain(Platform.GetVmReplications(AcmeTenant), r => r.Id == id);
    }

    // The inventory's standby Cpool and volume, adopted by spec.externalId and marked Ready by hand.
    private async Task AdoptStandbySiteAsync()
    {
        var cpool = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "dr-th3s").Id;
        var volume = Platform.GetBlockVolumes(AcmeTenant).Single(v => v.Name == "base-th3s-ds01").Id;
        await ApplyYamlAsync($"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Cpool\nmetadata:\n  name: dr-th3s\nspec:\n  availabilityZone: TH3S\n  bladeType: standard\n  hosts: 2\n  externalId: {cpool}\n");
        await ApplyYamlAsync($"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: BlockVolume\nmetadata:\n  name: dr-volume\nspec:\n  availabilityZone: TH3S\n  storageClass: standard\n  sizeGiB: 2048\n  externalId: {volume}\n");
        await MarkReadyAsync("cpool", "dr-th3s", cpool);
        await MarkReadyAsync("blockvolume", "dr-volume", volume);
    }

    private async Task MarkReadyAsync(string kind, string name, string externalId)
    {
        var patch = $$$"""{"status":{"externalId":"{{{externalId}}}","conditions":[{"type":"Ready","status":"True","reason":"Adopted","message":"Marked Ready by the test.","lastTransitionTime":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}}"}]}}""";
        (await Kubectl.RunAsync("patch", kind, name, "-n", Namespace, "--subresource=status", "--type=merge", "-p", patch)).EnsureSuccess();
    }

    private Task<VmReplication?> WaitForReplicationAsync(string name, Func<VmReplication?, bool> done, string what) => WaitForAsync(name, done, what);

    private RuntimeHost StartOperator()
    {
        var (connections, credentials) = Drivers();
        var reconciler = new VmReplicationKind().Reconciler(connections, credentials, View, new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
        return RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, reconciler, configure: null, Loggers);
    }

    private Task Apply(string name, string virtualMachine, bool failover = false) =>
        ApplyYamlAsync($"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: VmReplication\nmetadata:\n  name: {name}\nspec:\n  virtualMachine: {virtualMachine}\n  targetCpoolRef: {{name: dr-th3s}}\n  targetBlockVolumeRef: {{name: dr-volume}}\n  rpoHours: 4\n  failover: {(failover ? "true" : "false")}\n");

    private async Task ApplyYamlAsync(string yaml) =>
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], yaml)).EnsureSuccess();
}

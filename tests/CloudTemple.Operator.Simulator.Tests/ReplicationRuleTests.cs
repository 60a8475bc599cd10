using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;
using VmReplicationPhase = CloudTemple.Operator.Entities.VmReplicationPhase;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class ReplicationRuleTests
{
    private readonly World _world = new();

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    public void V1_AnRpoOutsideOneTo24Hours_IsRefused_AndNothingIsCreated(int rpo)
    {
        _world.AddVm("app");

        var refusal = World.Refused("V1", () => _world.Platform.CreateVmReplication(_world.Tenant, "app", _world.StandbyCpoolId, _world.StandbyVolumeId, rpo));

        Assert.Contains("1 to 24 hours", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetVmReplications(_world.Tenant));
    }

    [Fact]
    public void V1_AReplication_GoesFromInitialSyncToReplicating_AndSyncsEveryRpo()
    {
        var world = new World(SimulatorOptions.Immediate with { VmReplication = TimeSpan.FromMinutes(30) });
        world.AddVm("app");
        var id = world.Platform.CreateVmReplication(world.Tenant, "app", world.StandbyCpoolId, world.StandbyVolumeId, 4).ResourceId;
        Assert.Equal(VmReplicationPhase.InitialSync, world.Platform.GetVmReplication(id)!.Phase);

        world.Clock.Advance(TimeSpan.FromMinutes(30));
        var synced = world.Platform.GetVmReplication(id)!;
        world.Clock.Advance(TimeSpan.FromHours(9));

        Assert.Equal(VmReplicationPhase.Replicating, synced.Phase);
        Assert.Equal(synced.LastSyncTime + TimeSpan.FromHours(8), world.Platform.GetVmReplication(id)!.LastSyncTime);
    }

    [Fact]
    public void V2_AWriteHeavyVm_IsReportedDegraded_NotRefused()
    {
        _world.AddVm("db", writeHeavy: true);

        var id = _world.Platform.CreateVmReplication(_world.Tenant, "db", _world.StandbyCpoolId, _world.StandbyVolumeId, 1).ResourceId;

        Assert.Equal(VmReplicationPhase.Degraded, _world.Platform.GetVmReplication(id)!.Phase);
    }

    [Fact]
    public void V3_AStandbyCpoolWithoutTheVmsMemory_IsRefused()
    {
        _world.AddVm("big", memoryGiB: 300);

        var refusal = World.Refused("V3", () => _world.Platform.CreateVmReplication(_world.Tenant, "big", _world.StandbyCpoolId, _world.StandbyVolumeId, 1));

        Assert.Contains("256 GiB free", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetVmReplications(_world.Tenant));
    }

    [Fact]
    public void V3_AStandbyVolumeWithoutTheVmsSpace_IsRefused_CountingOtherReplicationsToIt()
    {
        _world.Platform.AddVirtualMachine(_world.Tenant, new VirtualMachineRequest(
            "standby-local", _world.StandbyCpoolId, _world.StandbyVolumeId, 8, [new VirtualDisk("Hard disk 1", 500)]));
        _world.AddVm("a", diskGiB: 1000);
        _world.AddVm("b", diskGiB: 600);
        _world.Platform.CreateVmReplication(_world.Tenant, "a", _world.StandbyCpoolId, _world.StandbyVolumeId, 1);

        var refusal = World.Refused("V3", () => _world.Platform.CreateVmReplication(_world.Tenant, "b", _world.StandbyCpoolId, _world.StandbyVolumeId, 1));

        Assert.Contains("548 GiB free", refusal.Message, StringComparison.Ordinal);
        Assert.Single(_world.Platform.GetVmReplications(_world.Tenant));
    }

    [Fact]
    public void V4_AFailover_ActivatesTheMirrorVmAtTheStandbySite()
    {
        _world.AddVm("app");
        var id = _world.Platform.CreateVmReplication(_world.Tenant, "app", _world.StandbyCpoolId, _world.StandbyVolumeId, 1).ResourceId;

        _world.Platform.FailoverVmReplication(id);

        Assert.Equal(VmReplicationPhase.FailedOver, _world.Platform.GetVmReplication(id)!.Phase);
        var vm = _world.Platform.GetVirtualMachine(_world.Tenant, "app")!;
        Assert.Equal((Zone.TH3S, _world.StandbyCpoolId, PowerState.PoweredOn), (vm.Zone, vm.CpoolId, vm.PowerState));
    }
}

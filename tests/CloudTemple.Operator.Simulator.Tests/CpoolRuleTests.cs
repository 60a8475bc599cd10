using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class CpoolRuleTests
{
    private readonly World _world = new();

    [Theory]
    [InlineData(0)]
    [InlineData(33)]
    public void C1_ACpoolOutsideOneTo32Hosts_IsRefused_AndNothingIsCreated(int hosts)
    {
        var before = _world.Platform.GetCpools(_world.Tenant).Count;

        var refusal = World.Refused("C1", () => _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("big", Zone.PAR7S, BladeType.Eco, hosts)));

        Assert.Contains("1 to 32 hosts", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, _world.Platform.GetCpools(_world.Tenant).Count);
    }

    [Fact]
    public void C2_TheBladeTypeOfACpool_CannotChangeInPlace()
    {
        var before = _world.Platform.GetCpool(_world.CpoolId);

        var refusal = World.Refused("C2", () => _world.Platform.UpdateCpool(_world.CpoolId, new CpoolRequest("prod", Zone.PAR7S, BladeType.Perf3, 3)));

        Assert.Contains("blade type of a Cpool cannot change", refusal.Message, StringComparison.Ordinal);
        Assert.Same(before, _world.Platform.GetCpool(_world.CpoolId));
        Assert.Single(_world.Platform.GetOperationsOn(_world.CpoolId));
    }

    [Fact]
    public void C3_TheZoneOfACpool_CannotChange()
    {
        var before = _world.Platform.GetCpool(_world.CpoolId);

        var refusal = World.Refused("C3", () => _world.Platform.UpdateCpool(_world.CpoolId, new CpoolRequest("prod", Zone.AZ07, BladeType.Standard, 3)));

        Assert.Contains("availability zone, which cannot change", refusal.Message, StringComparison.Ordinal);
        Assert.Same(before, _world.Platform.GetCpool(_world.CpoolId));
    }

    [Theory]
    [InlineData(383)]
    [InlineData(1153)]
    public void C4_AMemoryReservationOutsideHostsTimes128AndHostsTimesBladeRam_IsRefused(int memoryGiB)
    {
        var before = _world.Platform.GetCpools(_world.Tenant).Count;

        var refusal = World.Refused("C4", () => _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("c4", Zone.PAR7S, BladeType.Standard, 3, memoryGiB)));

        Assert.Contains("between 384 GiB", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("and 1152 GiB", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, _world.Platform.GetCpools(_world.Tenant).Count);
    }

    [Fact]
    public void C4_MemoryDefaultsToHostsTimes128_AndReportsItsBounds()
    {
        var cpool = _world.Platform.GetCpool(_world.CpoolId)!;

        Assert.Equal(384, cpool.MemoryGiB);
        Assert.Equal(384, cpool.MemoryMinGiB);
        Assert.Equal(1152, cpool.MemoryMaxGiB);
    }

    [Fact]
    public void C5_HighAvailabilityApplies_OnlyFromTwoHosts_AndASingleHostCpoolIsNotRefused()
    {
        var single = _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("solo", Zone.PAR7S, BladeType.Eco, 1)).ResourceId;

        Assert.False(_world.Platform.GetCpool(single)!.HighAvailabilityApplicable);
        Assert.True(_world.Platform.GetCpool(_world.CpoolId)!.HighAvailabilityApplicable);
    }

    [Fact]
    public void C6_MemoryUsePerHost_IsComputedFromTheVmsOnIt()
    {
        _world.AddVm("a", memoryGiB: 64, host: 0);
        _world.AddVm("b", memoryGiB: 48, host: 0);
        _world.AddVm("c", memoryGiB: 32, host: 1);

        var usage = _world.Platform.GetCpoolUsage(_world.CpoolId);

        Assert.Equal([87.5m, 25.0m, 0m], usage.Hosts.Select(h => h.UsePercent));
        Assert.Equal(37.5m, usage.AverageUsePercent);
        Assert.Equal(3, usage.VirtualMachines);
        Assert.False(usage.MemoryPressure);
    }

    [Fact]
    public void C8_AHypervisorUpdateOfAOneHostCpool_IsRefused()
    {
        var single = _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("solo", Zone.PAR7S, BladeType.Eco, 1)).ResourceId;
        var before = _world.Platform.GetCpool(single);

        var refusal = World.Refused("C8", () => _world.Platform.UpdateHypervisor(single, "99999999"));

        Assert.Contains("at least 2 hosts", refusal.Message, StringComparison.Ordinal);
        Assert.Same(before, _world.Platform.GetCpool(single));
    }

    [Fact]
    public void C8_AHypervisorUpdate_RollsHostsOneAtATime()
    {
        var world = new World(SimulatorOptions.Immediate with { HypervisorUpdatePerHost = TimeSpan.FromMinutes(10) });
        var op = world.Platform.UpdateHypervisor(world.CpoolId, "99999999").OperationId;

        world.Clock.Advance(TimeSpan.FromMinutes(10));
        var cpool = world.Platform.GetCpool(world.CpoolId)!;
        Assert.Equal(["99999999", SimulatedPlatform.InitialEsxiBuild, SimulatedPlatform.InitialEsxiBuild], cpool.Hosts.Select(h => h.EsxiBuild));
        Assert.Equal(1, cpool.Update!.HostsDone);
        Assert.Equal(33, world.Platform.GetOperation(op)!.Progression);
        Assert.Null(cpool.HypervisorBuild);

        world.Clock.Advance(TimeSpan.FromMinutes(20));
        cpool = world.Platform.GetCpool(world.CpoolId)!;
        Assert.Equal("99999999", cpool.HypervisorBuild);
        Assert.Equal(3, cpool.Update!.HostsDone);
        Assert.Equal(OperationState.Completed, world.Platform.GetOperation(op)!.State);
    }

    [Fact]
    public void C10_APerformance4Cpool_ExposesTwoGpusPerHost_OthersNone()
    {
        var gpu = _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("gpu", Zone.PAR7S, BladeType.Perf4, 3)).ResourceId;

        Assert.Equal(6, _world.Platform.GetCpool(gpu)!.Gpus);
        Assert.Equal(0, _world.Platform.GetCpool(_world.CpoolId)!.Gpus);
    }
}

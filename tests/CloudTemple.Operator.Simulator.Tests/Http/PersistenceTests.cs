using System.Net;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class PersistenceTests : IDisposable
{
    private static readonly string[] TH3S = ["TH3S"];

    private readonly string _directory = Directory.CreateTempSubdirectory("ct-simulator-").FullName;

    private string StatePath => Path.Combine(_directory, "state.json");

    [Fact]
    public async Task TheStateFile_KeepsResourcesOperationsInFlightAndTheIdSequence_AcrossARestart()
    {
        var slow = SimulatorOptions.Immediate with { Cpool = TimeSpan.FromHours(1) };
        string activityId, cpoolId, oldToken;
        await using (var first = await SimulatorService.StartAsync(o => o with { StatePath = StatePath, Platform = slow }))
        {
            await first.LoginAsync();
            (activityId, cpoolId) = await first.AcceptedAsync("/api/simulator/v1/cpools", new { name = "kept", zone = "TH3S", bladeType = "standard", hosts = 2 });
            await Eventually.HoldsAsync(() => Task.FromResult(File.Exists(StatePath)));
            oldToken = first.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        }

        await using var second = await SimulatorService.StartAsync(o => o with { StatePath = StatePath, InventoryPath = null, Platform = slow });
        second.Authorize(oldToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.Client.GetAsync($"/api/activity/v1/activities/{activityId}")).StatusCode);
        await second.LoginAsync();

        var activity = await second.GetJsonAsync($"/api/activity/v1/activities/{activityId}");
        Assert.Equal("running", SimulatorService.StateOf(activity));
        Assert.Equal(ProvisioningState.Creating, second.Platform.GetCpool(cpoolId)!.State);
        Assert.NotNull(second.Platform.GetVirtualMachine(SimulatorService.AcmeTenant, "pay-01"));
        var (_, next) = await second.AcceptedAsync("/api/simulator/v1/vlans", new { name = "after", zones = TH3S });
        Assert.True(string.CompareOrdinal(next, "vlan-" + cpoolId.Split('-')[1]) > 0, $"{next} reuses an id before {cpoolId}");
    }

    [Fact]
    public void ExportThenImport_ThroughJson_ResumesOperationsInFlight()
    {
        var world = new World(SimulatorOptions.Immediate with { Waiting = TimeSpan.FromSeconds(10), HypervisorUpdatePerHost = TimeSpan.FromMinutes(1) });
        var update = world.Platform.UpdateHypervisor(world.CpoolId, "99999");
        world.Clock.Advance(TimeSpan.FromSeconds(70));

        var json = System.Text.Json.JsonSerializer.Serialize(world.Platform.Export(), SimulatorService.StateJson);
        var restored = new SimulatedPlatform(world.Clock, world.Platform.Options);
        restored.Import(System.Text.Json.JsonSerializer.Deserialize<PlatformSnapshot>(json, SimulatorService.StateJson)!);

        Assert.Equal(1, restored.GetCpool(world.CpoolId)!.Update!.HostsDone);
        world.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(OperationState.Completed, restored.GetOperation(update.OperationId)!.State);
        Assert.Equal("99999", restored.GetCpool(world.CpoolId)!.HypervisorBuild);
        Assert.Equal(world.Platform.GetVirtualMachines(world.Tenant).Count, restored.GetVirtualMachines(world.Tenant).Count);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

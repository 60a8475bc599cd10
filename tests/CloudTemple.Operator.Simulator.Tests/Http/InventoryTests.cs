using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Service;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class InventoryTests
{
    [Fact]
    public async Task TheSeedInventory_IsLoadedAtStart_WithEverythingReady()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();

        var vms = await service.GetJsonAsync("/api/compute/v1/vcenters/virtual_machines");
        var names = vms.EnumerateArray().Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "web-01", "web-02", "web-03", "app-01", "cache-01", "db-01", "pay-01" }, names.ToHashSet());
        Assert.All(service.Platform.GetCpools(SimulatorService.AcmeTenant), c => Assert.Equal(ProvisioningState.Ready, c.State));
        Assert.Equal(PowerState.PoweredOn, service.Platform.GetVirtualMachine(SimulatorService.AcmeTenant, "web-01")!.PowerState);
        Assert.True(service.Platform.GetVirtualMachine(SimulatorService.AcmeTenant, "db-01")!.WriteHeavy);
        Assert.Equal(2, service.Platform.GetVirtualMachine(SimulatorService.AcmeTenant, "th3s-batch-01")!.SnapshotCount);
        var zones = service.Platform.GetVirtualMachines(SimulatorService.AcmeTenant).Select(v => v.Zone).Distinct().Count();
        Assert.Equal(3, zones);
    }

    [Fact]
    public void TheSeedInventory_HasATenantInAnotherOrganization_AndAnEncryptablePay01()
    {
        var platform = new SimulatedPlatform(TimeProvider.System, SimulatorOptions.Immediate);
        platform.Import(InventoryFile.Read(SimulatorService.Inventory).Seed(TimeProvider.System));

        var acme = platform.GetTenant(SimulatorService.AcmeTenant)!;
        var globex = platform.GetTenant("9d2b4f6a-8c1e-4a3b-b5d7-e9f1a3c5b7d9")!;
        Assert.NotEqual(acme.OrganizationId, globex.OrganizationId);
        Assert.Equal(acme.OrganizationId, platform.GetTenant("7c1e2d34-4b5a-4c6d-8e9f-0a1b2c3d4e5f")!.OrganizationId);

        var prod = platform.GetCpools(acme.Id).Single(c => c.Name == "prod-par7s");
        var provider = platform.CreateHsmKeyProvider(acme.Id, "payments-kms").ResourceId;
        platform.ActivateHsmKeyProvider(provider, prod.Id);
        Assert.Equal(EncryptionState.Pending, platform.GetEncryptionReport(provider, "pay-01").State);
        var encrypt = platform.EncryptVirtualMachine(provider, "pay-01");
        Assert.Equal(OperationState.Completed, platform.GetOperation(encrypt.OperationId)!.State);
    }

    [Fact]
    public void DurationFlags_SetEachKind_AndAllSetsEveryKind()
    {
        var options = SimulatorCommand.ParseDurations(new SimulatorOptions(), ["all=0", "cpool=2s,waiting=250ms"]);

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250), TimeSpan.Zero), (options.Cpool, options.Waiting, options.Delete));
        Assert.Throws<ArgumentException>(() => SimulatorCommand.ParseDurations(options, ["teleport=1s"]));
    }
}

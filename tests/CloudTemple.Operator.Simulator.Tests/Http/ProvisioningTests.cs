using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class ProvisioningTests
{
    [Fact]
    public async Task B11_ARefusal_Answers400_WithTheRuleAndASentence()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var (_, volumeId) = await service.AcceptedAsync("/api/simulator/v1/block-volumes", new { name = "fast", zone = "PAR7S", storageClass = "ultra", sizeGiB = 1024 });
        var standby = service.Platform.GetCpools(SimulatorService.AcmeTenant).Single(c => c.Name == "dr-th3s");

        var response = await service.PostAsync($"/api/simulator/v1/block-volumes/{volumeId}/global-mirror", new { targetZone = "TH3S", standbyCpoolId = standby.Id });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("400 Bad Request", error.GetProperty("status").GetString());
        Assert.Equal("B11", error.GetProperty("rule").GetString());
        Assert.StartsWith("Global Mirror replication is only available for the essential, standard and premium classes", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConflict_Answers409()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var prod = service.Platform.GetCpools(SimulatorService.AcmeTenant).Single(c => c.Name == "prod-par7s");
        var datastore = service.Platform.GetBlockVolumes(SimulatorService.AcmeTenant).Single(v => v.Name == "base-par7s-ds01");

        var response = await service.PostAsync("/api/simulator/v1/virtual-machines", new
        {
            name = "web-01", cpoolId = prod.Id, datastoreId = datastore.Id, memoryGiB = 4, disks = new[] { new { name = "Hard disk 1", sizeGiB = 10 } },
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task AnotherTenantsResource_Answers403_AndAnUnknownId404()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var (activityId, cpoolId) = await service.AcceptedAsync("/api/simulator/v1/cpools", new { name = "mine", zone = "PAR7S", bladeType = "eco", hosts = 1 });

        await service.LoginAsync(SimulatorService.GlobexPat, SimulatorService.GlobexSecret);

        Assert.Equal(HttpStatusCode.Forbidden, (await service.Client.GetAsync($"/api/simulator/v1/cpools/{cpoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.Client.GetAsync($"/api/compute/v1/vcenters/host_clusters/{cpoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.Client.DeleteAsync($"/api/simulator/v1/cpools/{cpoolId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.Client.GetAsync($"/api/activity/v1/activities/{activityId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync("/api/simulator/v1/cpools/cpool-99999")).StatusCode);
        Assert.NotNull(service.Platform.GetCpool(cpoolId));
    }

    [Fact]
    public async Task TheStatusFigures_AreReadable_BillingEncryptionReportAndOperationsByResource()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var prod = service.Platform.GetCpools(SimulatorService.AcmeTenant).Single(c => c.Name == "prod-par7s");
        var (_, providerId) = await service.AcceptedAsync("/api/simulator/v1/hsm-key-providers", new { name = "payments-kms" });
        await service.AcceptedAsync($"/api/simulator/v1/hsm-key-providers/{providerId}/activate", new { cpoolId = prod.Id });

        var report = await service.GetJsonAsync($"/api/simulator/v1/hsm-key-providers/{providerId}/encryption/pay-01");
        Assert.Equal("Pending", report.GetProperty("state").GetString());
        await service.AcceptedAsync($"/api/simulator/v1/hsm-key-providers/{providerId}/encrypt", new { virtualMachine = "pay-01" });

        var billing = await service.GetJsonAsync($"/api/simulator/v1/resources/{providerId}/billing");
        Assert.Equal("csp:fr1:iaas:vmware:encryption:hsm:v1", billing[0].GetProperty("sku").GetString());
        var operations = await service.GetJsonAsync($"/api/simulator/v1/resources/{providerId}/operations");
        Assert.Equal(3, operations.GetArrayLength());
        var cpool = await service.GetJsonAsync($"/api/simulator/v1/cpools/{prod.Id}");
        Assert.Equal(384, cpool.GetProperty("memoryMinGiB").GetInt32());
        Assert.True(cpool.GetProperty("usage").TryGetProperty("averageUsePercent", out _));
    }
}

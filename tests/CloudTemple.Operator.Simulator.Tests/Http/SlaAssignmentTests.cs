using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class SlaAssignmentTests
{
    [Fact]
    public async Task AnAssignment_FailsUntilTheInventoryJobHasSeenTheVm_ThenSucceeds()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var (_, policyId) = await service.AcceptedAsync("/api/simulator/v1/backup-policies", PublicReadTests.BackupRequest());
        var vmId = service.Platform.GetVirtualMachine(SimulatorService.AcmeTenant, "web-01")!.Id;
        var body = new { virtualMachineIds = new[] { vmId }, slaPolicies = new[] { policyId } };

        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync($"/api/backup/v1/spp/virtual_machines/{vmId}")).StatusCode);
        var early = await service.PostAsync("/api/backup/v1/spp/policies/assign/virtual_machine", body);
        Assert.Equal(HttpStatusCode.Created, early.StatusCode);
        var earlyActivity = await service.WaitForActivityAsync(ActivityId(early));
        Assert.Contains("Hypervisor Inventory", earlyActivity.GetProperty("state").GetProperty("failed").GetProperty("reason").GetString(), StringComparison.Ordinal);

        var job = (await service.GetJsonAsync("/api/backup/v1/spp/jobs?type=catalog")).EnumerateArray().Single();
        Assert.Equal("Hypervisor Inventory", job.GetProperty("name").GetString());
        var run = await service.PostAsync("/api/backup/v1/spp/jobs/run", new { jobId = job.GetProperty("id").GetString() });
        Assert.Equal("completed", SimulatorService.StateOf(await service.WaitForActivityAsync(ActivityId(run))));
        await Eventually.HoldsAsync(async () => (await service.Client.GetAsync($"/api/backup/v1/spp/virtual_machines/{vmId}")).IsSuccessStatusCode);

        var assign = await service.PostAsync("/api/backup/v1/spp/policies/assign/virtual_machine", body);
        Assert.Equal("completed", SimulatorService.StateOf(await service.WaitForActivityAsync(ActivityId(assign))));
        var sppVm = await service.GetJsonAsync($"/api/backup/v1/spp/virtual_machines/{vmId}");
        Assert.Equal(policyId, sppVm.GetProperty("slaPolicies")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task AnEmptyAssignment_IsRefused()
    {
        await using var service = await (await SimulatorService.StartAsync()).LoginAsync();
        var (_, policyId) = await service.AcceptedAsync("/api/simulator/v1/backup-policies", PublicReadTests.BackupRequest());

        var response = await service.PostAsync("/api/backup/v1/spp/policies/assign/virtual_machine", new { virtualMachineIds = Array.Empty<string>(), slaPolicies = new[] { policyId } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("K3", error.GetProperty("rule").GetString());
    }

    private static string ActivityId(HttpResponseMessage response) => response.Headers.Location!.OriginalString.Split('/')[^1];
}

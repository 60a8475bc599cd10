using System.Net;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class ActivityTests
{
    [Fact]
    public async Task AWrite_Answers202_WithTheActivityInLocation_ThenGoesWaitingRunningCompleted()
    {
        await using var service = await SimulatorService.StartAsync(o => o with
        {
            Platform = SimulatorOptions.Immediate with { Waiting = TimeSpan.FromMilliseconds(300), Cpool = TimeSpan.FromSeconds(1) },
        });
        await service.LoginAsync();

        var (activityId, cpoolId) = await service.AcceptedAsync("/api/simulator/v1/cpools", new { name = "new", zone = "AZ07", bladeType = "advance", hosts = 2 });

        var waiting = await service.GetJsonAsync($"/api/activity/v1/activities/{activityId}");
        Assert.Equal("waiting", SimulatorService.StateOf(waiting));
        var item = Assert.Single(waiting.GetProperty("concernedItems").EnumerateArray());
        Assert.Equal(("cpool", cpoolId), (item.GetProperty("type").GetString(), item.GetProperty("id").GetString()));

        await Eventually.HoldsAsync(async () => SimulatorService.StateOf(await service.GetJsonAsync($"/api/activity/v1/activities/{activityId}")) == "running");
        var running = (await service.GetJsonAsync($"/api/activity/v1/activities/{activityId}")).GetProperty("state");
        if (running.TryGetProperty("running", out var r))
        {
            Assert.True(r.TryGetProperty("progression", out _) && r.TryGetProperty("startDate", out _) && r.TryGetProperty("status", out _));
        }

        var completed = (await service.WaitForActivityAsync(activityId)).GetProperty("state").GetProperty("completed");
        Assert.Equal(cpoolId, completed.GetProperty("result").GetString());
        Assert.True(completed.TryGetProperty("startDate", out _) && completed.TryGetProperty("stopDate", out _));
    }

    [Fact]
    public async Task AFailedActivity_CarriesItsReason()
    {
        await using var service = await SimulatorService.StartAsync();
        await service.LoginAsync();

        var (_, policyId) = await service.AcceptedAsync("/api/simulator/v1/backup-policies", PublicReadTests.BackupRequest());
        var vmId = service.Platform.GetVirtualMachine(SimulatorService.AcmeTenant, "web-01")!.Id;

        // The backup inventory has not seen the VM yet: the assignment is accepted, then fails with the provider's reason.
        var assign = await service.PostAsync("/api/backup/v1/spp/policies/assign/virtual_machine", new { virtualMachineIds = new[] { vmId }, slaPolicies = new[] { policyId } });
        Assert.Equal(HttpStatusCode.Created, assign.StatusCode);
        var activityId = assign.Headers.Location!.OriginalString.Split('/')[^1];

        var failed = (await service.WaitForActivityAsync(activityId)).GetProperty("state").GetProperty("failed");
        Assert.Contains("Hypervisor Inventory", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(failed.TryGetProperty("startDate", out _) && failed.TryGetProperty("stopDate", out _));
    }

    [Fact]
    public async Task AnUnknownActivity_Answers404()
    {
        await using var service = await SimulatorService.StartAsync();
        await service.LoginAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync("/api/activity/v1/activities/op-99999")).StatusCode);
    }
}

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Simulator.Service;
using SimulatorOptions = CloudTemple.Operator.Simulator.Model.SimulatorOptions;

namespace CloudTemple.Operator.Tests.Platform;

public sealed class ActivityTests
{
    private static readonly CpoolSpecification NewCpool = new("activity-test", Zone.AZ07, BladeType.Eco, 1);

    [Fact]
    public async Task AWrite_ReturnsItsActivityAtOnce_ThenTheActivityGoesWaitingRunningCompleted()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s with
        {
            Platform = SimulatorOptions.Immediate with { Waiting = TimeSpan.FromSeconds(1), Cpool = TimeSpan.FromSeconds(2) },
        });

        var operation = await harness.Platform.Compute.CreateCpoolAsync(NewCpool);

        Assert.NotNull(operation.ResourceId);
        Assert.IsType<ActivityWaiting>(await harness.Platform.Activities.GetActivityAsync(operation.ActivityId));
        var seen = new List<ActivityState>();
        await Eventually.HoldsAsync(async () =>
        {
            var state = await harness.Platform.Activities.GetActivityAsync(operation.ActivityId);
            seen.Add(state);
            return state.IsTerminal;
        });
        Assert.Contains(seen, s => s is ActivityRunning { Progress: >= 0 and <= 100 });
        Assert.Equal(new ActivityCompleted(operation.ResourceId), seen[^1]);
        Assert.Equal(ResourceState.Ready, (await harness.Platform.Compute.GetCpoolAsync(operation.ResourceId!)).State);
    }

    [Fact]
    public async Task AFailedActivity_CarriesItsReason_AndIsNotTransientForARuleBroken()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var policy = await harness.Platform.Backup.RequestPolicyAsync(new BackupPolicyRequestSpecification(
            "Acme Assurances", "acme-prod", "daily", "Camille", "c@acme.example", "+33 1", new BackupRetentionSpecification(7)));
        await harness.WaitAsync(policy);
        var vmId = harness.Simulated.GetVirtualMachine(PlatformHarness.AcmeTenant, "web-01")!.Id;

        // The backup inventory has not seen the VM yet: the provider's own rule, not a transient fault.
        var operation = await harness.Platform.Backup.AssignSlaPoliciesAsync([vmId], [policy.ResourceId!]);
        var failure = await Assert.ThrowsAsync<OperationFailedException>(() => harness.WaitAsync(operation));

        Assert.Contains("Hypervisor Inventory", failure.Reason, StringComparison.Ordinal);
        Assert.False(failure.Transient);
        Assert.Equal(operation.ActivityId, failure.ActivityId);
    }

    [Fact]
    public async Task AFailureWithAKnownTransientReason_IsMarkedTransient()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s with { Faults = new FaultOptions { Seed = 1, TransientFailures = 1 } });
        var operation = await harness.Platform.Compute.CreateCpoolAsync(NewCpool);

        var failure = await Assert.ThrowsAsync<OperationFailedException>(() => harness.WaitAsync(operation));

        Assert.True(failure.Transient);
        Assert.Contains(failure.Reason, ActivityFailed.TransientReasons);
    }

    [Fact]
    public async Task A404JustAfterTheWrite_IsReportedAsWaiting()
    {
        await using var harness = await PlatformHarness.StartAsync(s => s with { Faults = new FaultOptions { ActivityNotFoundPolls = 2 } });
        var operation = await harness.Platform.Compute.CreateCpoolAsync(NewCpool);

        Assert.IsType<ActivityWaiting>(await harness.Platform.Activities.GetActivityAsync(operation.ActivityId));
        Assert.IsType<ActivityWaiting>(await harness.Platform.Activities.GetActivityAsync(operation.ActivityId));
        Assert.Equal(new ActivityCompleted(operation.ResourceId), await harness.Platform.Activities.GetActivityAsync(operation.ActivityId));
        Assert.Equal(2, harness.Requests.Count(r => r.Status == 404));
    }

    [Fact]
    public async Task AnActivityStillUnknownPastTheTolerance_IsNotFound()
    {
        await using var harness = await PlatformHarness.StartAsync(
            s => s with { Faults = new FaultOptions { ActivityNotFoundPolls = 5 } },
            c => c with { ActivityNotFoundTolerance = 2 });
        var operation = await harness.Platform.Compute.CreateCpoolAsync(NewCpool);

        await harness.Platform.Activities.GetActivityAsync(operation.ActivityId);
        await harness.Platform.Activities.GetActivityAsync(operation.ActivityId);

        await Assert.ThrowsAsync<PlatformNotFoundException>(() => harness.Platform.Activities.GetActivityAsync(operation.ActivityId));
    }
}

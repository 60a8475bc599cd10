using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class OperationLifecycleTests
{
    private static readonly SimulatorOptions Slow = SimulatorOptions.Immediate with
    {
        Waiting = TimeSpan.FromSeconds(10),
        Cpool = TimeSpan.FromMinutes(10),
    };

    private readonly World _world = new(Slow);

    private Accepted CreateCpool() =>
        _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("new", Zone.AZ07, BladeType.Advance, 2));

    [Fact]
    public void AWrite_GoesFromWaitingToRunningToCompleted_WithTheResourceIdAsResult()
    {
        var accepted = CreateCpool();
        var waiting = _world.Platform.GetOperation(accepted.OperationId)!;
        Assert.Equal((OperationState.Waiting, (int?)null), (waiting.State, waiting.Progression));

        _world.Clock.Advance(TimeSpan.FromSeconds(10) + TimeSpan.FromMinutes(5));
        var running = _world.Platform.GetOperation(accepted.OperationId)!;
        Assert.Equal((OperationState.Running, (int?)50), (running.State, running.Progression));

        _world.Clock.Advance(TimeSpan.FromMinutes(5));
        var completed = _world.Platform.GetOperation(accepted.OperationId)!;
        Assert.Equal((OperationState.Completed, (int?)100, accepted.ResourceId), (completed.State, completed.Progression, completed.Result));
        Assert.Equal(completed.StartDate + TimeSpan.FromMinutes(10), completed.StopDate);
        Assert.Equal(ProvisioningState.Ready, _world.Platform.GetCpool(accepted.ResourceId)!.State);
    }

    [Fact]
    public void TheCreatedResourcesId_IsVisibleAsConcernedItemWhileTheOperationRuns()
    {
        var accepted = CreateCpool();
        _world.Clock.Advance(TimeSpan.FromMinutes(1));

        var operation = _world.Platform.GetOperation(accepted.OperationId)!;
        Assert.Equal(OperationState.Running, operation.State);
        Assert.Equal(new ConcernedItem("cpool", accepted.ResourceId), operation.ConcernedItem);
        Assert.Equal(ProvisioningState.Creating, _world.Platform.GetCpool(accepted.ResourceId)!.State);
    }

    [Fact]
    public void AFailedOperation_CarriesItsReason_AndLeavesNothingBehind()
    {
        _world.Platform.FailNextOperation("None of the workers were able to respond");
        var accepted = CreateCpool();

        _world.Clock.Advance(TimeSpan.FromMinutes(11));

        var failed = _world.Platform.GetOperation(accepted.OperationId)!;
        Assert.Equal((OperationState.Failed, "None of the workers were able to respond"), (failed.State, failed.Reason));
        Assert.Null(_world.Platform.GetCpool(accepted.ResourceId));
    }

    [Fact]
    public void OperationsOnOneResource_RunOneAfterTheOther()
    {
        var create = CreateCpool();
        var update = _world.Platform.UpdateCpool(create.ResourceId, new CpoolRequest("renamed", Zone.AZ07, BladeType.Advance, 3));

        _world.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(OperationState.Running, _world.Platform.GetOperation(update.OperationId)!.State);
        Assert.Equal(2, _world.Platform.GetCpool(create.ResourceId)!.Hosts.Count);

        _world.Clock.Advance(TimeSpan.FromMinutes(10));
        var cpool = _world.Platform.GetCpool(create.ResourceId)!;
        Assert.Equal(("renamed", 3, 384), (cpool.Name, cpool.Hosts.Count, cpool.MemoryGiB));
    }

    [Fact]
    public void ZeroDurations_CompleteWithinTheWrite()
    {
        var world = new World();
        var accepted = world.Platform.CreateCpool(world.Tenant, new CpoolRequest("now", Zone.PAR7S, BladeType.Eco, 1));

        Assert.Equal(OperationState.Completed, world.Platform.GetOperation(accepted.OperationId)!.State);
    }

    [Fact]
    public void ADelete_RemovesTheResourceOnCompletion()
    {
        var world = new World();
        var accepted = world.Platform.Delete(world.StandbyVolumeId);

        Assert.Equal(OperationState.Completed, world.Platform.GetOperation(accepted.OperationId)!.State);
        Assert.Null(world.Platform.GetBlockVolume(world.StandbyVolumeId));
    }
}

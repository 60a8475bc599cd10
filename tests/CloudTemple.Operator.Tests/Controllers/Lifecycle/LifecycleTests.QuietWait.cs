using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Tests.Controllers.Lifecycle;

public sealed partial class LifecycleTests
{
    [Fact]
    public async Task ANewObjectWhoseReferenceIsBeingCreated_WaitsWithoutWritingItsStatus()
    {
        var h = new LifecycleHarness();
        h.Entity.Metadata.CreationTimestamp = DateTime.UtcNow;
        h.AddCpool("prod", "cpool-7", ready: false);
        h.Entity.Spec.CpoolRefs = [new() { Name = "prod" }];

        var result = await h.PassAsync();

        // Unrecorded: the runtime writes nothing of this pass (ReconcileLoop), and the pass saved nothing itself.
        Assert.True(result.Unrecorded);
        Assert.Equal(new ReconcilerOptions().ReferencePollInterval, result.RequeueAfter);
        Assert.Empty(h.Saves);
        Assert.Empty(h.Cloud.Writes);
    }

    [Fact]
    public async Task AnObjectOlderThanTheQuietWait_SaysItWaitsForItsReferences()
    {
        var h = new LifecycleHarness();
        h.Entity.Metadata.CreationTimestamp = DateTime.UtcNow - new ReconcilerOptions().QuietReferenceWait - TimeSpan.FromSeconds(1);
        h.AddCpool("prod", "cpool-7", ready: false);
        h.Entity.Spec.CpoolRefs = [new() { Name = "prod" }];

        var result = await h.PassAsync();

        Assert.False(result.Unrecorded);
        Assert.Equal(Reasons.WaitingForReferences, h.Reconciling.Reason);
        Assert.Equal(ConditionStatus.False, h.Condition(Reasons.ReferencesReady)!.Status);
    }

    [Fact]
    public async Task ANewObjectWhoseReferenceDoesNotExist_SaysSoAtOnce()
    {
        var h = new LifecycleHarness();
        h.Entity.Metadata.CreationTimestamp = DateTime.UtcNow;
        h.Entity.Spec.CpoolRefs = [new() { Name = "prdo" }];

        var result = await h.PassAsync();

        Assert.False(result.Unrecorded);
        Assert.Equal("Cpool 'prdo' does not exist.", h.Condition(Reasons.ReferencesReady)!.Message);
    }
}

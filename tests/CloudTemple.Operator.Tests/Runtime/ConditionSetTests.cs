using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class ConditionSetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly List<Condition> _conditions = [];

    [Fact]
    public void MarkReady_SetsTheThreeKstatusConditions_WithTheGeneration()
    {
        var set = new ConditionSet(_conditions, generation: 3, _time);

        set.MarkReady("Provisioned", "The Cpool matches its spec.");

        Assert.True(set.Changed);
        Assert.Equal(ConditionStatus.True, set[ConditionTypes.Ready]!.Status);
        Assert.Equal(ConditionStatus.False, set[ConditionTypes.Reconciling]!.Status);
        Assert.Equal(ConditionStatus.False, set[ConditionTypes.Stalled]!.Status);
        Assert.All(_conditions, c => Assert.Equal(3, c.ObservedGeneration));
    }

    [Fact]
    public void MarkStalled_MakesReadyFalse_WithTheSameReason_AndReconcilingFalse()
    {
        var set = new ConditionSet(_conditions, 1, _time);

        set.MarkStalled("PlatformRefused", "Global Mirror replication is only available for the essential, standard and premium classes.");

        Assert.Equal(ConditionStatus.True, set[ConditionTypes.Stalled]!.Status);
        Assert.Equal(ConditionStatus.False, set[ConditionTypes.Ready]!.Status);
        Assert.Equal("PlatformRefused", set[ConditionTypes.Ready]!.Reason);
        Assert.Equal(ConditionStatus.False, set[ConditionTypes.Reconciling]!.Status);
    }

    [Fact]
    public void MarkReconciling_MakesReadyFalse_AndStalledFalse()
    {
        var set = new ConditionSet(_conditions, 1, _time);

        set.MarkReconciling("Creating", "Waiting for activity 42.");

        Assert.Equal(ConditionStatus.True, set[ConditionTypes.Reconciling]!.Status);
        Assert.Equal(ConditionStatus.False, set[ConditionTypes.Ready]!.Status);
        Assert.Equal(ConditionStatus.False, set[ConditionTypes.Stalled]!.Status);
    }

    [Fact]
    public void TheSameStateTwice_ChangesNothing_SoNoStatusIsWritten()
    {
        new ConditionSet(_conditions, 2, _time).MarkReady("Provisioned", "ok");
        _time.Advance(TimeSpan.FromMinutes(10));

        var again = new ConditionSet(_conditions, 2, _time);
        again.MarkReady("Provisioned", "ok");

        Assert.False(again.Changed);
    }

    [Fact]
    public void LastTransitionTime_MovesOnlyWhenTheStatusFlips()
    {
        new ConditionSet(_conditions, 1, _time).MarkReconciling("Creating", "step 1");
        var created = _conditions.Single(c => c.Type == ConditionTypes.Ready).LastTransitionTime;

        _time.Advance(TimeSpan.FromMinutes(1));
        var progress = new ConditionSet(_conditions, 1, _time);
        progress.MarkReconciling("Creating", "step 2");
        Assert.True(progress.Changed);
        Assert.Equal(created, _conditions.Single(c => c.Type == ConditionTypes.Ready).LastTransitionTime);

        _time.Advance(TimeSpan.FromMinutes(1));
        new ConditionSet(_conditions, 1, _time).MarkReady("Provisioned", "done");
        Assert.Equal(_time.GetUtcNow().UtcDateTime, _conditions.Single(c => c.Type == ConditionTypes.Ready).LastTransitionTime);
    }

    [Fact]
    public void ANewGeneration_IsRecordedOnEveryCondition_EvenWithoutAFlip()
    {
        new ConditionSet(_conditions, 1, _time).MarkReady("Provisioned", "ok");

        var next = new ConditionSet(_conditions, 2, _time);
        next.MarkReady("Provisioned", "ok");

        Assert.True(next.Changed);
        Assert.All(_conditions, c => Assert.Equal(2, c.ObservedGeneration));
    }

    [Fact]
    public void EveryCondition_CarriesAMessageInWords_NeverAnEmptyString()
    {
        var set = new ConditionSet(_conditions, 1, _time);

        set.MarkReady("Provisioned", string.Empty);
        set.Set(ConditionTypes.Synced, ConditionStatus.True, "ReconcileSuccess", string.Empty);

        Assert.All(_conditions, c => Assert.False(string.IsNullOrWhiteSpace(c.Message)));
        Assert.Equal("No work is in flight.", set[ConditionTypes.Reconciling]!.Message);
    }

    [Fact]
    public void TransitionTimes_AreKeptToTheSecond_AsTheApiServerStoresThem()
    {
        _time.Advance(TimeSpan.FromMilliseconds(750));
        new ConditionSet(_conditions, 1, _time).MarkReady("Provisioned", "ok");

        Assert.All(_conditions, c => Assert.Equal(0, c.LastTransitionTime.Ticks % TimeSpan.TicksPerSecond));
    }

    [Fact]
    public void AMessageOver32KiB_IsCutWellUnderTheApiServersLimit_AndTheCutIsSaid()
    {
        var names = Enumerable.Range(1, 10_000).Select(i => $"vm-{i} (VM 'vm-{i}' does not exist on the platform.)");
        var message = $"Not assigned: {string.Join("; ", names)}.";
        Assert.True(message.Length > 32_768);

        var set = new ConditionSet(_conditions, 1, _time);
        set.MarkStalled("Failed", message);

        Assert.All(_conditions, c => Assert.InRange(c.Message.Length, 1, BoundedText.ConditionMessageLength));
        var stalled = set[ConditionTypes.Stalled]!.Message;
        Assert.StartsWith("Not assigned: vm-1 (VM 'vm-1' does not exist on the platform.); vm-2", stalled, StringComparison.Ordinal);
        Assert.Matches(@" … \([0-9,]+ more characters\)$", stalled);
    }

    [Fact]
    public void TheSameLongMessageTwice_ChangesNothing_SoNoStatusIsWritten()
    {
        var message = new string('x', 100_000);
        new ConditionSet(_conditions, 1, _time).MarkStalled("Failed", message);

        var again = new ConditionSet(_conditions, 1, _time);
        again.MarkStalled("Failed", message);

        Assert.False(again.Changed);
    }
}

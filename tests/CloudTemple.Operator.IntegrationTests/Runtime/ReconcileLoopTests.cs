using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>The shared reconcile skeleton on a real API server, with a minimal reconciler.</summary>
public sealed class ReconcileLoopTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    [Fact]
    public async Task ACreatedObject_IsReconciled_GetsTheFinalizer_AndBecomesReadyAtItsGeneration()
    {
        var reconciler = new TestVlanReconciler();
        await using var host = StartRuntime(reconciler);

        await ApplyVlanAsync("app", "PAR7S");

        var vlan = await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "Ready at generation 1");
        Assert.Contains(ApiGroup.Finalizer, vlan!.Metadata.Finalizers);
        Assert.Equal(100, vlan.Status!.VlanId);
        Assert.Contains(vlan.Status.Conditions, c => c.Type == "Reconciling" && c.Status == ConditionStatus.False);
        Assert.Contains(vlan.Status.Conditions, c => c.Type == "Stalled" && c.Status == ConditionStatus.False);
        Assert.Contains(vlan.Status.Conditions, c => c.Type == "Synced" && c.Status == ConditionStatus.True);
    }

    [Fact]
    public async Task ASpecChange_MovesObservedGeneration_OnTheStatusAndEveryCondition()
    {
        var reconciler = new TestVlanReconciler();
        await using var host = StartRuntime(reconciler);
        await ApplyVlanAsync("app", "PAR7S");
        await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "Ready at generation 1");

        await ApplyVlanAsync("app", "PAR7S", "TH3S");

        var vlan = await WaitForVlanAsync("app", v => IsReadyAt(v, 2), "Ready at generation 2");
        Assert.All(vlan!.Status!.Conditions, c => Assert.Equal(2, c.ObservedGeneration));
        Assert.Equal(2, vlan.Status.AvailabilityZones.Count);
    }

    [Fact]
    public async Task Deletion_WaitsForTheFinalizerPath_AndSaysWhy_ThenCompletes()
    {
        var reconciler = new TestVlanReconciler { HoldDeletion = true };
        await using var host = StartRuntime(reconciler);
        await ApplyVlanAsync("app", "PAR7S");
        await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "Ready");

        (await Kubectl.RunAsync("delete", "vlan", "app", "-n", Namespace, "--wait=false")).EnsureSuccess();

        var held = await WaitForVlanAsync("app",
            v => v?.Status?.Conditions.Any(c => c.Type == "Reconciling" && c.Status == ConditionStatus.True && c.Reason == "InUse") == true,
            "the deletion to wait with reason InUse");
        Assert.NotNull(held!.Metadata.DeletionTimestamp);
        Assert.Contains(ApiGroup.Finalizer, held.Metadata.Finalizers);
        Assert.Contains(held.Status!.Conditions, c => c.Type == "Ready" && c.Status == ConditionStatus.False && c.Message == "The VLAN is still used by a test.");

        reconciler.HoldDeletion = false;

        await WaitForVlanAsync("app", v => v is null, "the object to be deleted");
        Assert.True(reconciler.Finalizations >= 2);
    }

    [Fact]
    public async Task AnObjectNeverCreatedOnThePlatform_LosesItsFinalizerAtOnce_WithoutAPlatformCall()
    {
        // The object carries the finalizer and is deleted before any operator has reconciled it:
        // nothing was created on the platform (no externalId, no activityId).
        await ApplyVlanAsync("never-reconciled", "PAR7S");
        (await Kubectl.RunAsync("patch", "vlan", "never-reconciled", "-n", Namespace, "--type=merge",
            "-p", $$$"""{"metadata":{"finalizers":["{{{ApiGroup.Finalizer}}}"]}}""")).EnsureSuccess();
        (await Kubectl.RunAsync("delete", "vlan", "never-reconciled", "-n", Namespace, "--wait=false")).EnsureSuccess();
        Assert.NotNull((await GetVlanAsync("never-reconciled"))!.Metadata.DeletionTimestamp);

        var reconciler = new TestVlanReconciler { HoldDeletion = true };
        await using var host = StartRuntime(reconciler);

        await WaitForVlanAsync("never-reconciled", v => v is null, "the finalizer to go without a platform call");
        Assert.Equal(0, reconciler.Finalizations);
        Assert.Equal(0, reconciler.Calls);
    }

    [Fact]
    public async Task AnIdleObject_CausesNoApiWrites_AcrossSeveralResyncs()
    {
        var reconciler = new TestVlanReconciler();
        await using var host = StartRuntime(reconciler, o => o with { ResyncPeriod = TimeSpan.FromMilliseconds(400) });
        await ApplyVlanAsync("idle", "PAR7S");
        await WaitForVlanAsync("idle", v => IsReadyAt(v, 1), "Ready");
        await Eventually.UntilAsync(() => Task.FromResult(reconciler.CallsFor("idle")), n => n >= 2, Deadline, "a first resync");
        var writesWhenSettled = host.Requests.Writes;
        var callsWhenSettled = reconciler.CallsFor("idle");

        await Eventually.UntilAsync(() => Task.FromResult(reconciler.CallsFor("idle")), n => n >= callsWhenSettled + 5, Deadline, "five more resyncs");

        Assert.True(host.Requests.Writes == writesWhenSettled,
            $"Resyncs of an unchanged object wrote to the API server:\n{host.Requests.Describe()}");
        Output($"{reconciler.CallsFor("idle") - callsWhenSettled} resyncs, {host.Requests.Writes - writesWhenSettled} writes; all writes:\n{host.Requests.Describe()}");
    }

    [Fact]
    public async Task AnIdleObject_IsTakenFromTheInformersCache_NotReadFromTheApiServer_AtEachResync()
    {
        var reconciler = new TestVlanReconciler();
        await using var host = StartRuntime(reconciler, o => o with { ResyncPeriod = TimeSpan.FromMilliseconds(400) });
        await ApplyVlanAsync("cached", "PAR7S");
        await WaitForVlanAsync("cached", v => IsReadyAt(v, 1), "Ready");
        await Eventually.UntilAsync(() => Task.FromResult(reconciler.CallsFor("cached")), n => n >= 2, Deadline, "a first resync");
        var readsWhenSettled = host.Requests.Reads("/vlans/cached");
        var callsWhenSettled = reconciler.CallsFor("cached");

        await Eventually.UntilAsync(() => Task.FromResult(reconciler.CallsFor("cached")), n => n >= callsWhenSettled + 5, Deadline, "five more resyncs");

        Assert.Equal(readsWhenSettled, host.Requests.Reads("/vlans/cached"));
        Output($"{reconciler.CallsFor("cached") - callsWhenSettled} resyncs, {host.Requests.Reads("/vlans/cached") - readsWhenSettled} GETs of the object; {readsWhenSettled} GETs before it settled.");
    }

    [Fact]
    public async Task ThePauseAnnotation_StopsPlatformCalls_AndSaysSo_UntilItIsRemoved()
    {
        var reconciler = new TestVlanReconciler();
        await using var host = StartRuntime(reconciler);
        await ApplyVlanAsync("app", "PAR7S");
        await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "Ready");

        (await Kubectl.RunAsync("annotate", "vlan", "app", "-n", Namespace, $"{ApiGroup.PausedAnnotation}=true")).EnsureSuccess();
        await WaitForVlanAsync("app", v => v?.Status?.Conditions.Any(c => c.Type == "Paused" && c.Status == ConditionStatus.True) == true, "the Paused condition");
        var callsWhenPaused = reconciler.CallsFor("app");
        var processedWhenPaused = Counter(host.Runtime.Metrics.ReconcileTotal, "vlan", "success");

        await ApplyVlanAsync("app", "PAR7S", "TH3S");
        await Eventually.UntilAsync(() => Task.FromResult(Counter(host.Runtime.Metrics.ReconcileTotal, "vlan", "success")),
            n => n > processedWhenPaused, Deadline, "the spec change to be processed");

        Assert.Equal(callsWhenPaused, reconciler.CallsFor("app"));
        Assert.Equal(1, (await GetVlanAsync("app"))!.Status!.ObservedGeneration);

        (await Kubectl.RunAsync("annotate", "vlan", "app", "-n", Namespace, $"{ApiGroup.PausedAnnotation}-")).EnsureSuccess();
        var resumed = await WaitForVlanAsync("app", v => IsReadyAt(v, 2), "Ready at generation 2 once resumed");
        Assert.DoesNotContain(resumed!.Status!.Conditions, c => c.Type == "Paused");
        Assert.True(reconciler.CallsFor("app") > callsWhenPaused);
    }

    [Fact]
    public async Task ReconcileNow_IsAcknowledgedInLastHandledReconcileAt()
    {
        var reconciler = new TestVlanReconciler();
        await using var host = StartRuntime(reconciler);
        await ApplyVlanAsync("app", "PAR7S");
        await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "Ready");
        var calls = reconciler.CallsFor("app");

        (await Kubectl.RunAsync("annotate", "vlan", "app", "-n", Namespace, $"{ApiGroup.ReconcileRequestedAtAnnotation}=2026-11-25T12:00:00Z")).EnsureSuccess();

        await WaitForVlanAsync("app", v => v?.Status?.LastHandledReconcileAt == "2026-11-25T12:00:00Z", "the request to be acknowledged");
        Assert.True(reconciler.CallsFor("app") > calls);
    }
}

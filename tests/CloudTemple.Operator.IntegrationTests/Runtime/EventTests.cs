using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>events.k8s.io/v1 events on the real API server.</summary>
public sealed class EventTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    [Fact]
    public async Task TheActionOfAPass_IsPublishedAsAnEvent_AboutTheObject_AndTheChangeOfReadyIsNotPublishedAgain()
    {
        var reconciler = new TestVlanReconciler { Action = ("Configured", "Configured VLAN 100 on the platform.") };
        await using var host = StartRuntime(reconciler);
        await ApplyVlanAsync("app", "PAR7S");
        var vlan = await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "Ready");

        var events = await Eventually.UntilAsync(
            () => Client.EventsV1.ListNamespacedEventAsync(Namespace),
            list => list.Items.Any(e => e.Regarding.Name == "app"),
            Deadline, "an event about the Vlan");

        var published = events.Items.Single(e => e.Regarding.Name == "app");
        Assert.Equal("Configured", published.Reason);
        Assert.Equal("Normal", published.Type);
        Assert.Equal("Configured VLAN 100 on the platform.", published.Note);
        Assert.Equal(EventRecorder.ReportingController, published.ReportingController);
        Assert.Equal("Vlan", published.Regarding.Kind);
        Assert.Equal(vlan!.Metadata.Uid, published.Regarding.Uid);

        // Ready went from nothing to True in that pass: the log says so, no second event does
        // (the recorder counts each event as it publishes it, before its write).
        Assert.Equal(1, host.Runtime.Metrics.Events.WithLabels("vlan", "published").Value);
    }

    [Fact]
    public async Task AFloodOfEventsAboutOneObject_IsCutByThePerObjectRateLimit()
    {
        await ApplyVlanAsync("noisy", "PAR7S");
        var vlan = (await GetVlanAsync("noisy"))!;
        var metrics = new OperatorMetrics();
        using var recorder = new EventRecorder(Client, "test", metrics, NullLogger.Instance);
        var sink = recorder.For(vlan);

        for (var i = 0; i < 50; i++)
        {
            sink.Publish(warning: true, "Flapping", "Reconcile", $"Attempt {i}.");
        }

        Assert.Equal(20, metrics.Events.WithLabels("vlan", "published").Value);
        Assert.Equal(30, metrics.Events.WithLabels("vlan", "dropped").Value);
        await Eventually.UntilAsync(
            () => Client.EventsV1.ListNamespacedEventAsync(Namespace),
            list => list.Items.Count(e => e.Regarding.Name == "noisy") == 20,
            Deadline, "the 20 events within the burst to reach the API server");
    }
}

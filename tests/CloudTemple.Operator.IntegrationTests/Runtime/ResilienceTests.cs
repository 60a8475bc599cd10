using System.Diagnostics;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>The runtime under faults of the API server, and with two replicas.</summary>
public sealed class ResilienceTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    [Fact]
    public async Task AWatchFromAnExpiredResourceVersion_IsReportedAsExpired_SoTheInformerListsAgain()
    {
        await ApplyVlanAsync("a", "PAR7S");
        var watcher = new CustomObjectListWatcher<Vlan>(Client, Namespace);

        var expired = await Assert.ThrowsAsync<ResourceExpiredException>(async () =>
        {
            await foreach (var change in watcher.WatchAsync("1", TimeSpan.FromSeconds(10), CancellationToken.None))
            {
                Output($"unexpected event {change.Type} {change.Object["metadata"]?["name"]}");
            }
        });
        Output(expired.Message);
    }

    [Fact]
    public async Task ChangesMadeAcrossAnApiServerRestart_AreAllReconciled()
    {
        var reconciler = new TestVlanReconciler();
        await using var host = StartRuntime(reconciler);
        await ApplyVlanAsync("before", "PAR7S");
        await WaitForVlanAsync("before", v => IsReadyAt(v, 1), "Ready before the restart");
        var listsBefore = host.Runtime.Metrics.InformerLists.WithLabels("vlan").Value;

        await Fixture.ControlPlane.StopApiServerAsync();
        await Fixture.ControlPlane.StartApiServerAsync();

        // Made while the operator's watch is broken and still reconnecting.
        await ApplyVlanAsync("during", "TH3S");
        await ApplyVlanAsync("before", "PAR7S", "AZ07");

        await WaitForVlanAsync("during", v => IsReadyAt(v, 1), "the object created after the restart to be Ready");
        await WaitForVlanAsync("before", v => IsReadyAt(v, 2), "the change made after the restart to be Ready");
        var reconnects = host.Runtime.Metrics.InformerReconnects.WithLabels("vlan").Value;
        var expired = host.Runtime.Metrics.InformerExpired.WithLabels("vlan").Value;
        var lists = host.Runtime.Metrics.InformerLists.WithLabels("vlan").Value - listsBefore;
        Output($"after the restart: {reconnects} reconnects, {expired} expired watches, {lists} re-lists");
        Assert.True(reconnects + expired >= 1, "the informer never noticed the API server going away");
    }

    // Leader election with a 4 s lease, so that takeovers are measured in seconds.
    private static RuntimeOptions Elected(RuntimeOptions options, string lease, string identity) => options with
    {
        LeaderElection = true,
        Identity = identity,
        LeaseName = lease,
        LeaseDuration = TimeSpan.FromSeconds(4),
        RenewDeadline = TimeSpan.FromSeconds(3),
        RetryPeriod = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task TwoReplicas_ExactlyOneReconciles_AndTheOtherTakesOverWhenItStops()
    {
        var first = new TestVlanReconciler();
        var second = new TestVlanReconciler();
        var replicaA = StartRuntime(first, o => Elected(o, "test-leader", "replica-a"));
        await using var replicaB = StartRuntime(second, o => Elected(o, "test-leader", "replica-b"));
        try
        {
            await ApplyVlanAsync("app", "PAR7S");
            await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "Ready");
            await ApplyVlanAsync("web", "TH3S");
            await WaitForVlanAsync("web", v => IsReadyAt(v, 1), "Ready");

            var (leader, standby, leaderHost) = first.Calls > 0 ? (first, second, replicaA) : (second, first, replicaB);
            Assert.True(leader.Calls > 0);
            Assert.Equal(0, standby.Calls);
            Assert.True(leaderHost.Runtime.IsLeader);

            var stopped = Stopwatch.StartNew();
            await leaderHost.StopAsync();
            await ApplyVlanAsync("app", "PAR7S", "AZ07");
            await WaitForVlanAsync("app", v => IsReadyAt(v, 2), "the other replica to reconcile the change");

            Output($"takeover after {stopped.Elapsed.TotalSeconds:F1} s (lease duration 4 s)");
            Assert.True(standby.Calls > 0);
            Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(4) + TimeSpan.FromSeconds(2), $"takeover took {stopped.Elapsed}");
        }
        finally
        {
            await replicaA.DisposeAsync();
        }
    }

    [Fact]
    public async Task AReplicaThatDies_IsReplacedWithinTheLeaseDuration()
    {
        // A replica that took the lease and died without releasing it (a SIGKILLed pod): its Lease
        // is written here the way the dead replica left it.
        var now = DateTime.UtcNow;
        await Client.CoordinationV1.CreateNamespacedLeaseAsync(new k8s.Models.V1Lease
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "crash-leader" },
            Spec = new k8s.Models.V1LeaseSpec { HolderIdentity = "dead-replica", LeaseDurationSeconds = 4, AcquireTime = now, RenewTime = now },
        }, Namespace);
        var reconciler = new TestVlanReconciler();
        var started = Stopwatch.StartNew();
        await using var host = StartRuntime(reconciler, o => Elected(o, "crash-leader", "survivor"));

        await ApplyVlanAsync("app", "PAR7S");
        await WaitForVlanAsync("app", v => IsReadyAt(v, 1), "the survivor to take over and reconcile");

        Output($"took over after {started.Elapsed.TotalSeconds:F1} s (lease duration 4 s)");
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(3), "the survivor did not wait for the dead replica's lease to expire");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4) + TimeSpan.FromSeconds(3), $"takeover took {started.Elapsed}");
    }
}

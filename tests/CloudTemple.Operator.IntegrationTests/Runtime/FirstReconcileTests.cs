using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>
/// No reconcile starts before every cache has listed; then a controller's first reconcile runs alone
/// (RuntimeOptions.FirstReconcileAlone), then every worker runs.
/// </summary>
public sealed class FirstReconcileTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    [Fact]
    public async Task TheFirstReconcile_WaitsForTheCaches_RunsAlone_ThenTheWorkersReconcileTogether()
    {
        foreach (var name in new[] { "first-a", "first-b", "first-c", "first-d" })
        {
            await ApplyVlanAsync(name, "PAR7S");
        }

        var reconciler = new OverlapRecorder();
        await using var host = StartRuntime(reconciler, o => o with { Parallelism = 4, FirstReconcileAlone = TimeSpan.FromSeconds(20) });
        reconciler.Runtime.SetResult(host.Runtime);
        await reconciler.AllSeen.Task.WaitAsync(Deadline);

        Assert.True(reconciler.SyncedAtFirst, "the first reconcile started before every cache had listed");
        Output($"reconciles running at once when each started: {string.Join(", ", reconciler.RunningAtStart)}");
        Assert.Equal(1, reconciler.RunningAtStart[0]);
        Assert.True(reconciler.FirstEndedBeforeAnotherStarted, "another reconcile started while the first was running");
        Assert.True(reconciler.RunningAtStart.Max() > 1, "after the first reconcile the workers did not run together");
    }

    private sealed class OverlapRecorder : IReconciler<Vlan>
    {
        private readonly Lock _lock = new();
        private int _running;
        private bool _firstDone;

        public List<int> RunningAtStart { get; } = [];

        public bool FirstEndedBeforeAnotherStarted { get; private set; } = true;

        public TaskCompletionSource AllSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<OperatorRuntime> Runtime { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool SyncedAtFirst { get; private set; }

        public async Task<ReconcileResult> ReconcileAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken)
        {
            var synced = (await Runtime.Task.WaitAsync(cancellationToken)).IsReady;
            bool first;
            lock (_lock)
            {
                _running++;
                first = RunningAtStart.Count == 0;
                SyncedAtFirst |= first && synced;
                if (!first && !_firstDone)
                {
                    FirstEndedBeforeAnotherStarted = false;
                }

                RunningAtStart.Add(_running);
            }

            // Long enough that workers started together overlap.
            await Task.Delay(TimeSpan.FromMilliseconds(first ? 500 : 300), cancellationToken);
            lock (_lock)
            {
                _running--;
                _firstDone = true;
                if (RunningAtStart.Count >= 4)
                {
                    AllSeen.TrySetResult();
                }
            }

            context.Conditions.MarkReady("Test", "Done.");
            return ReconcileResult.Done;
        }

        public Task<FinalizeResult> FinalizeAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken) => Task.FromResult(FinalizeResult.Done);
    }
}

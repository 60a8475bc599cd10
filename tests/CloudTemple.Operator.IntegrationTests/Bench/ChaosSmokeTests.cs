using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Bench;

/// <summary>
/// `make chaos` in miniature: 30 objects on a faulty platform, two replicas with the leader
/// SIGKILLed, one API server restart, half the objects deleted. Its assertions are the soak's own
/// (the runner exits non-zero when one fails): every remaining object Ready, nothing leaked or
/// duplicated on the platform, no finalizer stuck, never Ready while the platform disagreed.
/// </summary>
public sealed class ChaosSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheChaosSoak_LosesLeaksAndDuplicatesNothing()
    {
        var outcome = await BenchRunner.RunAsync(output, TimeSpan.FromMinutes(8), "chaos", "--objects", "30", "--duration", "80s");

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        foreach (var figure in new[]
        {
            "remaining objects Ready", "platform resources leaked", "platform resources duplicated", "objects without their platform resource",
            "finalizers stuck (deleted objects still present)", "Ready while the platform disagreed", "replicas that exited by themselves",
        })
        {
            Assert.True((bool?)outcome.Figure(figure)["met"] == true, $"{figure}:\n{outcome.Output}");
        }

        Assert.True((double)outcome.Figure("leader kills (SIGKILL)")["value"]! >= 1, outcome.Output);
        Assert.Single(outcome.Files, f => f.EndsWith(".svg", StringComparison.Ordinal));
    }
}

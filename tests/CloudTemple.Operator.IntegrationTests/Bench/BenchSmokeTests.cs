using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Bench;

/// <summary>
/// `make bench` in miniature, so it cannot rot: a burst of 24 objects (four of each kind, with
/// references), a short idle period and a restart. Only what must hold is asserted — every object
/// Ready, the figures and files written — never the speed targets, which the runner only reports.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheBenchmark_BringsEveryObjectReady_AndWritesItsFiguresAndChart()
    {
        var outcome = await BenchRunner.RunAsync(output, TimeSpan.FromMinutes(4),
            "bench", "--objects", "24", "--scenarios", "burst,idle,startup", "--resync-period", "5s", "--idle-periods", "1", "--deadline", "3m");

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.Equal(24, (double)outcome.Figure("objects Ready")["value"]!);
        Assert.True((double)outcome.Figure("platform lower bound")["value"]! > 0, outcome.Output);
        foreach (var figure in new[] { "time / lower bound", "API writes per minute", "platform reads per object per resync period", "process start to first reconcile" })
        {
            Assert.NotNull(outcome.Figure(figure)["target"]);
        }

        var svg = Assert.Single(outcome.Files, f => f.EndsWith("-burst.svg", StringComparison.Ordinal));
        var chart = await File.ReadAllTextAsync(svg);
        Assert.StartsWith("<svg", chart, StringComparison.Ordinal);
        Assert.Contains("<polyline", chart, StringComparison.Ordinal);
        Assert.Contains("| burst | time / lower bound |", outcome.Output, StringComparison.Ordinal);
    }
}

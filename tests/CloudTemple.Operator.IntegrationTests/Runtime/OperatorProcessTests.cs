using System.Diagnostics;
using System.Net;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>The published operator binary, run as a process the way a pod runs it.</summary>
public sealed class OperatorProcessTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    [Fact]
    public async Task TheOperatorProcess_ServesProbesAndMetrics_LogsJsonWithTheObjectKey_AndStopsGracefully()
    {
        await using var process = OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.UntilAsync(() => Status(http, $"http://127.0.0.1:{process.ProbePort}/healthz"), s => s == HttpStatusCode.OK, Deadline, "/healthz to answer 200");
            await Eventually.UntilAsync(() => Status(http, $"http://127.0.0.1:{process.ProbePort}/readyz"), s => s == HttpStatusCode.OK, Deadline, "/readyz to answer 200");

            await ApplyVlanAsync("app", "PAR7S");
            // No credentials are configured here: the Vlan controller says so, and what to create.
            var vlan = await WaitForVlanAsync("app",
                v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True && c.Reason == "CredentialsNotFound") == true,
                "the operator to report that no credentials apply");
            Assert.Contains(ApiGroup.Finalizer, vlan!.Metadata.Finalizers);
            Assert.Contains("cloudtemple-credentials", vlan.Status!.Conditions.Single(c => c.Type == "Stalled").Message, StringComparison.Ordinal);
            Assert.Contains(vlan.Status!.Conditions, c => c.Type == "Ready" && c.Status == ConditionStatus.False);

            // The counter is incremented when the reconcile returns, a moment after its status write.
            var metrics = await Eventually.UntilAsync(
                () => http.GetStringAsync(new Uri($"http://127.0.0.1:{process.MetricsPort}/metrics")),
                text => text.Contains("controller_runtime_reconcile_total{controller=\"vlan\",result=\"success\"}", StringComparison.Ordinal),
                Deadline, "the reconcile to be counted");
            foreach (var series in new[]
            {
                "controller_runtime_reconcile_total{controller=\"vlan\",result=\"success\"}",
                "controller_runtime_reconcile_errors_total",
                "controller_runtime_reconcile_time_seconds_bucket{controller=\"vlan\"",
                "controller_runtime_max_concurrent_reconciles{controller=\"vlan\"} 4",
                "controller_runtime_active_workers{controller=\"vlan\"}",
                "workqueue_depth{name=\"vlan\"}",
                "workqueue_adds_total{name=\"vlan\"}",
                "workqueue_queue_duration_seconds_bucket{name=\"vlan\"",
                "workqueue_work_duration_seconds_bucket{name=\"vlan\"",
                "workqueue_retries_total",
                "leader_election_master_status{name=\"cloudtemple-operator-leader\"} 1",
                "cloudtemple_informer_lists_total{controller=\"vlan\"}",
            })
            {
                Assert.Contains(series, metrics, StringComparison.Ordinal);
            }

            Assert.True(Value(metrics, "controller_runtime_reconcile_total{controller=\"vlan\",result=\"success\"}") >= 1);
            Assert.True(Value(metrics, "workqueue_adds_total{name=\"vlan\"}") >= 1);
            Assert.True(Value(metrics, "cloudtemple_process_working_set_bytes") > 10_000_000);

            Assert.Contains($"\"namespace\":\"{Namespace}\"", process.Logs, StringComparison.Ordinal);
            Assert.Contains("\"name\":\"app\"", process.Logs, StringComparison.Ordinal);
        }
        finally
        {
            await process.StopAsync();
            Output(process.Logs);
        }

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("releasing the lease", process.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunHelp_ListsEveryFlag_WithItsEnvironmentVariable()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cloudtemple-operator.dll"));
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--help");
        using var process = Process.Start(info)!;
        var help = await process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);

        Assert.Equal(0, process.ExitCode);
        foreach (var (flag, variable) in new[]
        {
            ("--kubeconfig", "KUBECONFIG"), ("--namespaces", "CLOUDTEMPLE_NAMESPACES"), ("--parallelism", "CLOUDTEMPLE_PARALLELISM"),
            ("--resync-period", "CLOUDTEMPLE_RESYNC_PERIOD"), ("--leader-elect", "CLOUDTEMPLE_LEADER_ELECT"),
            ("--leader-election-namespace", "CLOUDTEMPLE_LEADER_ELECTION_NAMESPACE"), ("--identity", "POD_NAME"),
            ("--metrics-address", "CLOUDTEMPLE_METRICS_ADDRESS"), ("--probe-address", "CLOUDTEMPLE_PROBE_ADDRESS"),
        })
        {
            Assert.Contains(flag, help, StringComparison.Ordinal);
            Assert.Contains($"[env: {variable}]", help, StringComparison.Ordinal);
        }
    }

    private static async Task<HttpStatusCode?> Status(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static double Value(string metrics, string series) =>
        double.Parse(metrics.Split('\n').First(l => l.StartsWith(series, StringComparison.Ordinal))[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Net;

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>
/// The simulated platform (<c>cloudtemple-simulator</c>) as a process on a free loopback port, as the
/// sandbox, the benchmark and the chaos soak run it. The binaries are looked for in
/// <c>binDirectory</c>, where a project that references the simulator finds them.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private SimulatorProcess(ManagedProcess process, Uri url)
    {
        Process = process;
        Url = url;
    }

    /// <summary>The running process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>Where it listens, e.g. http://127.0.0.1:40123 (no trailing slash).</summary>
    public Uri Url { get; }

    /// <summary>Starts the simulator with the inventory, the state file and further flags (durations, faults), and waits until it answers.</summary>
    public static async Task<SimulatorProcess> StartAsync(string binDirectory, string inventory, string? stateFile, IEnumerable<string> arguments, ProcessLog log, string name = "platform")
    {
        var url = new Uri($"http://127.0.0.1:{Ports.Free()}");
        List<string> all = [Path.Combine(binDirectory, "cloudtemple-simulator.dll"), "--urls", url.ToString().TrimEnd('/'), "--inventory", inventory];
        if (stateFile is not null)
        {
            all.AddRange(["--state", stateFile]);
        }

        var process = ManagedProcess.Start(name, "dotnet", [.. all, .. arguments], log);
        var simulator = new SimulatorProcess(process, new Uri(url.ToString().TrimEnd('/')));
        try
        {
            await Probes.WaitUntilAsync(() => Probes.AnswersAsync(new Uri(url, "/healthz")), "the simulated platform", process, log).ConfigureAwait(false);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

/// <summary>
/// One replica of the operator (<c>cloudtemple-operator run</c>) as a process, its metrics, probes
/// and (unless off) its webhook on free loopback ports. Disposing kills it.
/// </summary>
public sealed class OperatorReplica : IAsyncDisposable
{
    private OperatorReplica(ManagedProcess process, string name, int metricsPort, int probePort)
    {
        Process = process;
        Name = name;
        MetricsUrl = new Uri($"http://127.0.0.1:{metricsPort}/metrics");
        ReadyUrl = new Uri($"http://127.0.0.1:{probePort}/readyz");
    }

    /// <summary>The running process.</summary>
    public ManagedProcess Process { get; }

    /// <summary>Its name in logs, and its identity in the leader Lease.</summary>
    public string Name { get; }

    /// <summary>Its Prometheus endpoint.</summary>
    public Uri MetricsUrl { get; }

    /// <summary>Its readiness probe.</summary>
    public Uri ReadyUrl { get; }

    /// <summary>
    /// Starts the operator against the kubeconfig and the simulated platform at <paramref name="platformUrl"/>
    /// with the operator's own credentials; <paramref name="webhook"/> false turns the webhook off.
    /// <paramref name="arguments"/> adds flags (--namespaces, --parallelism, --leader-elect, ...). Does not wait.
    /// </summary>
    public static OperatorReplica Start(string binDirectory, string kubeconfig, Uri platformUrl, (string Id, string Secret) credentials,
        IEnumerable<string> arguments, ProcessLog log, bool webhook = true, string name = "operator")
    {
        var (metrics, probes, webhookPort) = (Ports.Free(), Ports.Free(), Ports.Free());
        List<string> all =
        [
            Path.Combine(binDirectory, "cloudtemple-operator.dll"), "run",
            "--kubeconfig", kubeconfig,
            "--platform", "simulated", "--platform-url", platformUrl.ToString().TrimEnd('/'),
            "--metrics-address", $"127.0.0.1:{metrics}", "--probe-address", $"127.0.0.1:{probes}",
            "--identity", name,
        ];
        all.AddRange(webhook
            ? ["--webhook-address", $"127.0.0.1:{webhookPort}", "--webhook-url", $"https://127.0.0.1:{webhookPort}"]
            : ["--webhook-address", "off"]);
        var process = ManagedProcess.Start(name, "dotnet", [.. all, .. arguments], log, new Dictionary<string, string>
        {
            ["CLOUDTEMPLE_CREDENTIALS_ID"] = credentials.Id,
            ["CLOUDTEMPLE_CREDENTIALS_SECRET"] = credentials.Secret,
        });
        return new OperatorReplica(process, name, metrics, probes);
    }

    /// <summary>Waits until its readiness probe answers.</summary>
    public Task WaitUntilReadyAsync(ProcessLog log) => Probes.WaitUntilAsync(() => Probes.AnswersAsync(ReadyUrl), $"the operator ({Name})", Process, log);

    /// <summary>Kills it (SIGKILL), as a node failure or an OOM kill would.</summary>
    public Task KillAsync() => Process.StopAsync();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}

/// <summary>Readiness polling shared by the launchers.</summary>
public static class Probes
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Whether a GET of <paramref name="url"/> answers 200.</summary>
    public static async Task<bool> AnswersAsync(Uri url)
    {
        try
        {
            using var response = await s_http.GetAsync(url).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls until <paramref name="ready"/> holds; throws with the end of the log when the process exits or <paramref name="deadline"/> (default a minute) passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> ready, string what, ManagedProcess process, ProcessLog log, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await ready().ConfigureAwait(false))
        {
            if (process.HasExited || clock.Elapsed > (deadline ?? TimeSpan.FromSeconds(60)))
            {
                throw new InvalidOperationException($"{what} did not start; last lines of {log.Path}:\n{string.Join('\n', log.Since(0, 30))}");
            }

            await Task.Delay(s_poll).ConfigureAwait(false);
        }
    }
}

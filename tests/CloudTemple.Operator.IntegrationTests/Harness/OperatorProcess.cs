using System.Diagnostics;
using System.Net;
using System.Text;
using CloudTemple.Operator.LocalControlPlane;
using k8s;

namespace CloudTemple.Operator.IntegrationTests.Harness;

/// <summary>
/// The operator binary run as a process, as a pod runs it, against the test's control plane and
/// namespace, with its validating webhook in local mode. Disposing stops it with SIGTERM and
/// makes sure its webhook configuration is gone, so that no later test meets a dead webhook.
/// </summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _logs = new();
    private readonly IKubernetes _client;

    private OperatorProcess(Process process, IKubernetes client, int metricsPort, int probePort, string webhookConfiguration)
    {
        _process = process;
        _client = client;
        MetricsPort = metricsPort;
        ProbePort = probePort;
        WebhookConfiguration = webhookConfiguration;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int MetricsPort { get; }

    public int ProbePort { get; }

    public string WebhookConfiguration { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>Whether the process has stopped (or crashed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far.</summary>
    public string Logs
    {
        get
        {
            lock (_logs)
            {
                return _logs.ToString();
            }
        }
    }

    // The test's namespace may use the operator's own credentials, as the sandbox grants them to demo, unless the test says otherwise.
    private static bool GrantsCredentials(IReadOnlyList<string>? arguments) =>
        arguments?.Any(a => a.StartsWith("--operator-credentials-namespaces", StringComparison.Ordinal)) == true;

    /// <summary>Starts the operator watching <paramref name="namespaceName"/>; <paramref name="webhook"/> false turns its webhook off.</summary>
    public static OperatorProcess Start(string kubeconfig, string namespaceName, IKubernetes client, IReadOnlyList<string>? extraArguments = null, IReadOnlyDictionary<string, string>? environment = null, bool webhook = true)
    {
        var (metricsPort, probePort, webhookPort) = (Ports.Free(), Ports.Free(), Ports.Free());
        var webhookConfiguration = $"cloudtemple-operator-{namespaceName}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] webhookArguments = webhook
            ? ["--webhook-address", $"127.0.0.1:{webhookPort}", "--webhook-url", $"https://127.0.0.1:{webhookPort}", "--webhook-configuration", webhookConfiguration]
            : ["--webhook-address", "off"];
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "cloudtemple-operator.dll"), "run",
            "--kubeconfig", kubeconfig,
            "--namespaces", namespaceName,
            "--leader-election-namespace", namespaceName,
            "--metrics-address", $"127.0.0.1:{metricsPort}",
            "--probe-address", $"127.0.0.1:{probePort}",
        }.Concat(webhookArguments).Concat(extraArguments ?? []).Concat(GrantsCredentials(extraArguments) ? [] : ["--operator-credentials-namespaces", namespaceName]))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        return new OperatorProcess(Process.Start(info)!, client, metricsPort, probePort, webhookConfiguration);
    }

    /// <summary>Kills the process outright (SIGKILL), as a node failure or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
    }

    /// <summary>Stops the process as Kubernetes stops a pod (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", $"-TERM {_process.Id}");
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            try
            {
                await _client.AdmissionregistrationV1.DeleteValidatingWebhookConfigurationAsync(WebhookConfiguration);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // The operator removed it, as it should.
            }

            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_logs)
            {
                _logs.AppendLine(line);
            }
        }
    }
}

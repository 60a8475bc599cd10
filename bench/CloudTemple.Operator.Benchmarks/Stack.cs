using CloudTemple.Operator.Entities;
using CloudTemple.Operator.LocalControlPlane;
using k8s;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>
/// What a scenario runs against, each a process of its own as in <c>make sandbox</c>: etcd and
/// kube-apiserver with the CRDs, the simulated platform seeded with <see cref="Workload"/>'s tenant,
/// and a namespace for the objects. Operators are started by the scenario. Logs go to a work directory.
/// </summary>
internal sealed class Stack : IAsyncDisposable
{
    private Stack(string directory, ControlPlane controlPlane, SimulatorProcess platform, ProcessLog operatorLog)
    {
        Directory = directory;
        ControlPlane = controlPlane;
        Platform = platform;
        OperatorLog = operatorLog;
        Kubectl = new Kubectl(controlPlane.KubeconfigPath);
        Client = controlPlane.CreateClient();
    }

    public const string Namespace = "bench";

    public string Directory { get; }

    public ControlPlane ControlPlane { get; }

    public SimulatorProcess Platform { get; }

    public ProcessLog OperatorLog { get; }

    public Kubectl Kubectl { get; }

    public IKubernetes Client { get; }

    public static string Bin => AppContext.BaseDirectory;

    /// <summary>Starts everything; <paramref name="simulatorArguments"/> sets durations and faults.</summary>
    public static async Task<Stack> StartAsync(string repository, string directory, int units, IEnumerable<string> simulatorArguments, CancellationToken cancellationToken)
    {
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(directory);
        var controlPlane = await ControlPlane.StartAsync(Path.Combine(directory, "control-plane"), cancellationToken).ConfigureAwait(false);
        try
        {
            var kubectl = new Kubectl(controlPlane.KubeconfigPath);
            (await kubectl.RunAsync("apply", "-k", Path.Combine(repository, "config", "crd")).ConfigureAwait(false)).EnsureSuccess();
            (await kubectl.RunAsync(["wait", "--for=condition=Established", "--timeout=60s", .. Kind.All.Select(k => $"crd/{k.Plural}.{ApiGroup.Name}")]).ConfigureAwait(false)).EnsureSuccess();
            (await kubectl.RunAsync("create", "namespace", Namespace).ConfigureAwait(false)).EnsureSuccess();
            var inventory = Path.Combine(directory, "inventory.yaml");
            Workload.WriteInventory(inventory, units);
            // --debug-routes: the figures and the chaos checks read /debug/requests and /debug/state.
            var platform = await SimulatorProcess.StartAsync(Bin, inventory, Path.Combine(directory, "platform.json"), [.. simulatorArguments, "--debug-routes"],
                new ProcessLog(Path.Combine(directory, "platform.log"))).ConfigureAwait(false);
            return new Stack(directory, controlPlane, platform, new ProcessLog(Path.Combine(directory, "operator.log")));
        }
        catch
        {
            await controlPlane.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts one operator replica watching the namespace, with workstation GC as the image runs it
    /// (the Dockerfile sets DOTNET_gcServer=0): the replica inherits this process's environment, so
    /// the variable is set here, whatever the caller's environment says.
    /// </summary>
    public OperatorReplica StartOperator(string name, IEnumerable<string> arguments, bool webhook)
    {
        Environment.SetEnvironmentVariable("DOTNET_gcServer", "0");
        return OperatorReplica.Start(Bin, ControlPlane.KubeconfigPath, Platform.Url, (Workload.TokenId, Workload.TokenSecret),
            ["--namespaces", Namespace, "--operator-credentials-namespaces", Namespace, "--leader-election-namespace", Namespace, "--webhook-configuration", $"cloudtemple-bench-{name}", .. arguments],
            OperatorLog, webhook, name);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Platform.DisposeAsync().ConfigureAwait(false);
        // The control plane deletes its own directory; the rest (logs, inventory, platform state) is kept for reading.
        await ControlPlane.DisposeAsync().ConfigureAwait(false);
    }
}

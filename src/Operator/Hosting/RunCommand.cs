using System.CommandLine;
using CloudTemple.Operator.Controllers;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using Prometheus;

namespace CloudTemple.Operator.Hosting;

/// <summary>`cloudtemple-operator run`: the operator process. Every flag has an environment variable.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var kubeconfig = Option<string?>("--kubeconfig", "KUBECONFIG", null, "Kubeconfig to use; default: in-cluster configuration when running in a pod, else ~/.kube/config.");
        var namespaces = Option("--namespaces", "CLOUDTEMPLE_NAMESPACES", string.Empty, "Comma-separated namespaces to watch; empty watches every namespace.");
        var parallelism = Option("--parallelism", "CLOUDTEMPLE_PARALLELISM", "4", "Reconciles that may run at once per kind.");
        var resync = Option("--resync-period", "CLOUDTEMPLE_RESYNC_PERIOD", "10m", "How often each object is checked for drift when nothing changes (±10 % jitter), e.g. 10m.");
        var leaderElect = Option("--leader-elect", "CLOUDTEMPLE_LEADER_ELECT", "true", "Whether only the holder of the leader Lease reconciles (true or false).");
        var leaseNamespace = Option("--leader-election-namespace", "CLOUDTEMPLE_LEADER_ELECTION_NAMESPACE", Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default", "Namespace of the leader Lease.");
        var identity = Option("--identity", "POD_NAME", $"{Environment.MachineName}-{Environment.ProcessId}", "This replica's name in the leader Lease.");
        var metricsAddress = Option("--metrics-address", "CLOUDTEMPLE_METRICS_ADDRESS", ":8080", "Address of the Prometheus /metrics endpoint, e.g. :8080 or 127.0.0.1:8080.");
        var probeAddress = Option("--probe-address", "CLOUDTEMPLE_PROBE_ADDRESS", ":8081", "Address of the /healthz and /readyz endpoints.");

        var command = new Command("run", "Run the operator: reconcile the cloudtemple kinds until stopped.")
        {
            kubeconfig, namespaces, parallelism, resync, leaderElect, leaseNamespace, identity, metricsAddress, probeAddress,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new RuntimeOptions
            {
                Namespaces = parse.GetValue(namespaces)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Parallelism = int.Parse(parse.GetValue(parallelism)!, System.Globalization.CultureInfo.InvariantCulture),
                ResyncPeriod = Durations.Parse(parse.GetValue(resync)!),
                LeaderElection = bool.Parse(parse.GetValue(leaderElect)!),
                LeaseNamespace = parse.GetValue(leaseNamespace)!,
                Identity = parse.GetValue(identity)!,
            };
            return RunAsync(parse.GetValue(kubeconfig), options, parse.GetValue(metricsAddress)!, parse.GetValue(probeAddress)!, cancellationToken);
        });
        return command;
    }

    /// <summary>Hosts the runtime with JSON logs, graceful shutdown, probes and metrics.</summary>
    public static async Task<int> RunAsync(string? kubeconfig, RuntimeOptions options, string metricsAddress, string probeAddress, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.WebHost.UseUrls(Url(metricsAddress), Url(probeAddress));

        var config = kubeconfig is null && KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        var client = new Kubernetes(config);
        builder.Services.AddSingleton<IKubernetes>(client);
        builder.Services.AddSingleton(provider => Register(new OperatorRuntime(client, options, provider.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddHostedService<RuntimeService>();

        await using var app = builder.Build();
        var runtime = app.Services.GetRequiredService<OperatorRuntime>();
        app.MapGet("/healthz", () => Results.Text("ok")).RequireHost($"*:{Port(probeAddress)}");
        app.MapGet("/readyz", () => runtime.IsReady ? Results.Text("ok") : Results.Text("caches not synced", statusCode: 503)).RequireHost($"*:{Port(probeAddress)}");
        app.MapMetrics("/metrics", runtime.Metrics.Registry).RequireHost($"*:{Port(metricsAddress)}");
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    // Until the platform drivers exist, every kind reports honestly that nothing is created.
    private static OperatorRuntime Register(OperatorRuntime runtime) => runtime
        .AddController(new NoPlatformReconciler<Cpool>())
        .AddController(new NoPlatformReconciler<BlockVolume>())
        .AddController(new NoPlatformReconciler<Vlan>())
        .AddController(new NoPlatformReconciler<BackupPolicy>())
        .AddController(new NoPlatformReconciler<VmReplication>())
        .AddController(new NoPlatformReconciler<HsmKeyProvider>());

    private static string Url(string address) => address.StartsWith(':') ? $"http://0.0.0.0{address}" : $"http://{address}";

    private static string Port(string address) => address[(address.LastIndexOf(':') + 1)..];

    private static Option<T> Option<T>(string name, string environmentVariable, T fallback, string description) => new(name)
    {
        Description = $"{description} [env: {environmentVariable}]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } value ? (T)(object)value : fallback,
    };

    private static Option<string> Option(string name, string environmentVariable, string fallback, string description) =>
        Option<string>(name, environmentVariable, fallback, description);

    private sealed class RuntimeService(OperatorRuntime runtime) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => runtime.RunAsync(stoppingToken);
    }
}

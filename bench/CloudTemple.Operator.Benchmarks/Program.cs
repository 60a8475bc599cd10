using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CloudTemple.Operator.Benchmarks;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.LocalControlPlane;
using CloudTemple.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

// Benchmark scenarios, each printing figures; none fails for being slow.
//   cloudtemple-bench runtime [--objects N] [--parallelism P] [--seconds S] [--repository DIR]
//   cloudtemple-bench simulator [...]
//   cloudtemple-bench bench [--help]     burst, idle, startup and scale (make bench)
//   cloudtemple-bench chaos [--help]     the chaos soak (make chaos)
return args.FirstOrDefault() switch
{
    "runtime" => await RuntimeScenario(args[1..]),
    "simulator" => await SimulatorScenario.RunAsync(args[1..]),
    "bench" or "chaos" => await new System.CommandLine.RootCommand("Benchmarks and the chaos soak of the Cloud Temple operator.")
    {
        BenchScenario.Create(), ChaosScenario.Create(),
    }.Parse(args).InvokeAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: cloudtemple-bench runtime|simulator|bench|chaos [options]");
    return 2;
}

// The controller runtime's throughput with a reconciler that does nothing: N objects on a real
// API server, a resync period short enough that the workers never run dry, and the figures the
// runtime's own metrics and the process report.
static async Task<int> RuntimeScenario(string[] args)
{
var objects = Argument("--objects", 1000);
var parallelism = Argument("--parallelism", 8);
var seconds = Argument("--seconds", 20);
var repository = args.SkipWhile(a => a != "--repository").Skip(1).FirstOrDefault() ?? Directory.GetCurrentDirectory();

Console.WriteLine($"[bench] runtime: {objects} Vlans, {parallelism} workers, no-op reconciler, measured over {seconds} s");
await using var controlPlane = await ControlPlane.StartAsync();
var kubectl = new Kubectl(controlPlane.KubeconfigPath);
(await kubectl.RunAsync("apply", "-k", Path.Combine(repository, "config", "crd"))).EnsureSuccess();
(await kubectl.RunAsync("wait", "--for=condition=Established", "--timeout=60s", "crd/vlans.iaas.cloud-temple.com")).EnsureSuccess();
(await kubectl.RunAsync("create", "namespace", "bench")).EnsureSuccess();

using var client = controlPlane.CreateClient();
var created = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, objects), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
{
    var vlan = new Vlan { Kind = "Vlan", Metadata = new() { Name = $"vlan-{i:D5}" }, Spec = new() { AvailabilityZones = [Zone.PAR7S] } };
    await client.CustomObjects.CreateNamespacedCustomObjectAsync(vlan, ApiGroup.Name, ApiGroup.Version, "bench", "vlans", cancellationToken: ct);
});
Console.WriteLine($"[bench] created {objects} objects in {created.Elapsed.TotalSeconds:F1} s");

var reconciler = new NoOpReconciler();
var options = new RuntimeOptions
{
    Namespaces = ["bench"],
    Parallelism = parallelism,
    LeaderElection = false,
    ResyncPeriod = TimeSpan.FromMilliseconds(100),
};
using var runtime = new OperatorRuntime(new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(controlPlane.KubeconfigPath)), options, NullLoggerFactory.Instance)
    .AddController(reconciler);
using var stop = new CancellationTokenSource();
var startedAt = Stopwatch.StartNew();
var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
var run = runtime.RunAsync(stop.Token);

while (reconciler.Distinct < objects)
{
    await Task.Delay(50);
}

var firstPass = startedAt.Elapsed;
var total = runtime.Metrics.ReconcileTotal;
double Reconciles() => total.WithLabels("vlan", "success").Value;
var before = Reconciles();
var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
var window = Stopwatch.StartNew();
await Task.Delay(TimeSpan.FromSeconds(seconds));
var steady = (Reconciles() - before) / window.Elapsed.TotalSeconds;
var cpuPerReconcile = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / Math.Max(1, Reconciles() - before);
GC.Collect();
var process = Process.GetCurrentProcess();
var results = new Dictionary<string, object>
{
    ["objects"] = objects,
    ["parallelism"] = parallelism,
    ["firstPassSeconds"] = Math.Round(firstPass.TotalSeconds, 2),
    ["firstPassReconcilesPerSecond"] = Math.Round(objects / firstPass.TotalSeconds, 1),
    ["steadyReconcilesPerSecond"] = Math.Round(steady, 1),
    ["cpuMillisecondsPerReconcile"] = Math.Round(cpuPerReconcile, 3),
    ["workingSetMiB"] = Math.Round(process.WorkingSet64 / 1048576.0, 1),
    ["peakWorkingSetMiB"] = Math.Round(process.PeakWorkingSet64 / 1048576.0, 1),
    ["managedHeapMiB"] = Math.Round(GC.GetTotalMemory(false) / 1048576.0, 1),
    ["statusWrites"] = runtime.Metrics.StatusWrites.WithLabels("vlan").Value,
    ["cpuSecondsTotal"] = Math.Round((process.TotalProcessorTime - cpuAtStart).TotalSeconds, 1),
};
await stop.CancelAsync();
await run;

Console.WriteLine();
Console.WriteLine("| figure | value |");
Console.WriteLine("|---|---|");
foreach (var (name, value) in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {value} |"));
}

Directory.CreateDirectory(Path.Combine(repository, "bench", "results"));
var file = Path.Combine(repository, "bench", "results", "runtime.json");
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"\n[bench] written to {Path.GetRelativePath(repository, file)}; the API server runs in the same machine and shares its 2 cores.");
return 0;

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
}

/// <summary>Marks every object Ready once, then does nothing: what remains is the runtime's own cost.</summary>
internal sealed class NoOpReconciler : IReconciler<Vlan>
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _seen = new();

    public int Distinct => _seen.Count;

    public Task<ReconcileResult> ReconcileAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken)
    {
        _seen.TryAdd(context.Key.Name, true);
        context.Conditions.MarkReady("Benchmark", "Nothing to do.");
        return Task.FromResult(ReconcileResult.Done);
    }

    public Task<FinalizeResult> FinalizeAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken) =>
        Task.FromResult(FinalizeResult.Done);
}

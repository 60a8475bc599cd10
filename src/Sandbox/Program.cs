using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.LocalControlPlane;
using k8s;

var repositoryOption = new Option<DirectoryInfo>("--repository")
{
    Description = "The repository checkout (for config/crd, config/samples and config/sandbox).",
    DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()),
};
var namespaceOption = new Option<string>("--namespace")
{
    Description = "The tenant namespace the samples are applied to.",
    DefaultValueFactory = _ => "demo",
};
var stateOption = new Option<DirectoryInfo?>("--state")
{
    Description = "Where the control plane, the platform and the operator keep state and logs (default: .sandbox in the repository); emptied at start.",
};
var settleOption = new Option<int>("--settle-seconds")
{
    Description = "How long to show progress while the samples converge before printing the table.",
    DefaultValueFactory = _ => 180,
};
var onceOption = new Option<bool>("--once") { Description = "Stop after printing the table instead of staying up." };
var root = new RootCommand(
    "The Cloud Temple operator sandbox: a real local control plane, the simulated platform and the operator with its webhook, with the sample tenant applied.")
{
    repositoryOption, namespaceOption, stateOption, settleOption, onceOption,
};
root.SetAction((parse, cancellationToken) =>
{
    var repository = parse.GetValue(repositoryOption)!.FullName;
    var state = parse.GetValue(stateOption)?.FullName ?? Path.Combine(repository, ".sandbox");
    return Sandbox.RunAsync(repository, state, parse.GetValue(namespaceOption)!, TimeSpan.FromSeconds(parse.GetValue(settleOption)), parse.GetValue(onceOption), cancellationToken);
});
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

internal static class Sandbox
{
    // The sandbox tenant of config/sandbox/inventory.yaml; its token is a sandbox-only secret.
    private const string TenantTokenId = "pat-acme-prod";
    private const string TenantTokenSecret = "sandbox-acme-prod-secret";

    public static async Task<int> RunAsync(string repository, string state, string tenantNamespace, TimeSpan settle, bool once, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        if (Directory.Exists(state))
        {
            Directory.Delete(state, recursive: true);
        }

        Directory.CreateDirectory(state);
        Say("starting etcd and kube-apiserver on loopback");
        await using var controlPlane = await ControlPlane.StartAsync(state, cancellationToken).ConfigureAwait(false);
        Say($"kube-apiserver ready at {controlPlane.Server} ({Seconds(stopwatch)})");
        var kubectl = new Kubectl(controlPlane.KubeconfigPath);
        kubectl.Ran += result =>
        {
            if (!result.Succeeded)
            {
                Console.Error.WriteLine(result);
            }
        };

        Say("installing the CRDs from config/crd");
        (await kubectl.RunAsync("apply", "-k", Path.Combine(repository, "config", "crd")).ConfigureAwait(false)).EnsureSuccess();
        (await kubectl.RunAsync(["wait", "--for=condition=Established", "--timeout=60s", .. CustomResources.All.Select(t => $"crd/{Plural(t)}.{ApiGroup.Name}")]).ConfigureAwait(false)).EnsureSuccess();

        var bin = AppContext.BaseDirectory;
        var platformLog = new ProcessLog(Path.Combine(state, "platform.log"));
        Say($"starting the simulated platform (seed inventory config/sandbox/inventory.yaml, state {Path.Combine(state, "platform.json")})");
        await using var platform = await SimulatorProcess.StartAsync(bin, Path.Combine(repository, "config", "sandbox", "inventory.yaml"),
            Path.Combine(state, "platform.json"), ["--duration", "all=2s", "--duration", "waiting=500ms"], platformLog).ConfigureAwait(false);
        Say($"the simulated platform is at {platform.Url}");

        var operatorLog = new ProcessLog(Path.Combine(state, "operator.log"));
        Say("starting the operator with its validating webhook");
        await using var @operator = OperatorReplica.Start(bin, controlPlane.KubeconfigPath, platform.Url, (TenantTokenId, TenantTokenSecret),
            ["--resync-period", "1m", "--operator-credentials-namespaces", tenantNamespace], operatorLog);
        await @operator.WaitUntilReadyAsync(operatorLog).ConfigureAwait(false);
        await Probes.WaitUntilAsync(async () => (await kubectl.RunAsync(["get", "validatingwebhookconfiguration", "cloudtemple-operator"]).ConfigureAwait(false)).Succeeded,
            "the operator's webhook registration", @operator.Process, operatorLog).ConfigureAwait(false);

        Say($"applying config/samples to namespace {tenantNamespace}");
        (await kubectl.RunAsync("create", "namespace", tenantNamespace).ConfigureAwait(false)).EnsureSuccess();
        (await kubectl.RunAsync("config", "set-context", "--current", $"--namespace={tenantNamespace}").ConfigureAwait(false)).EnsureSuccess();
        Console.Write((await kubectl.RunAsync("apply", "-k", Path.Combine(repository, "config", "samples")).ConfigureAwait(false)).EnsureSuccess().StandardOutput);

        using var client = controlPlane.CreateClient();
        var settled = await ShowProgressAsync(client, tenantNamespace, settle, cancellationToken).ConfigureAwait(false);
        Say(settled ? $"every object is Ready ({Seconds(stopwatch)} since start)" : $"not every object is Ready after {settle.TotalSeconds:F0} s; READY and REASON say why ({Seconds(stopwatch)} since start)");
        Console.WriteLine();
        Console.Write((await kubectl.RunAsync("get", "cloudtemple", "-o", "wide").ConfigureAwait(false)).EnsureSuccess().StandardOutput);
        Console.WriteLine();
        Console.WriteLine($"""
            Use it from another terminal:
              export KUBECONFIG={controlPlane.KubeconfigPath}
              kubectl get cloudtemple -o wide
              kubectl describe cpool prod-par7s
              kubectl apply -f config/samples/iaas_v1alpha1_vlan.yaml
            Logs: {controlPlane.Log.Path}, {platformLog.Path}, {operatorLog.Path}
            """);

        if (!once)
        {
            Say("up until Ctrl-C");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Say("stopping");
            }
        }

        await @operator.Process.TerminateAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        return 0;
    }

    // Prints a line whenever the count of Ready objects changes; true when every object is Ready.
    private static async Task<bool> ShowProgressAsync(IKubernetes client, string tenantNamespace, TimeSpan settle, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var last = string.Empty;
        while (stopwatch.Elapsed < settle)
        {
            var objects = new List<(string Name, string Ready, string Reason)>();
            foreach (var type in CustomResources.All)
            {
                var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(ApiGroup.Name, ApiGroup.Version, tenantNamespace, Plural(type), cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var item in list["items"]!.AsArray())
                {
                    var ready = item!["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Ready");
                    objects.Add(($"{type.Name}/{item["metadata"]!["name"]}", (string?)ready?["status"] ?? "-", (string?)ready?["reason"] ?? "waiting"));
                }
            }

            var readyCount = objects.Count(o => o.Ready == "True");
            var line = $"{readyCount}/{objects.Count} Ready";
            if (line != last)
            {
                var pending = objects.Where(o => o.Ready != "True").Select(o => $"{o.Name} ({o.Reason})");
                Say($"{line} after {stopwatch.Elapsed.TotalSeconds:F0} s{(readyCount < objects.Count ? "; waiting: " + string.Join(", ", pending) : string.Empty)}");
                last = line;
            }

            if (objects.Count > 0 && readyCount == objects.Count)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private static string Plural(Type type) =>
        ((k8s.Models.KubernetesEntityAttribute)type.GetCustomAttributes(typeof(k8s.Models.KubernetesEntityAttribute), false).Single()).PluralName;

    private static string Seconds(Stopwatch stopwatch) => string.Create(CultureInfo.InvariantCulture, $"{stopwatch.Elapsed.TotalSeconds:F1} s");

    private static void Say(string message) => Console.WriteLine($"[sandbox] {message}");
}

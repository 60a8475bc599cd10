using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.LocalControlPlane;
using k8s.Models;

var repositoryOption = new Option<DirectoryInfo>("--repository")
{
    Description = "The repository checkout (for config/crd and config/samples).",
    DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()),
};
var namespaceOption = new Option<string>("--namespace")
{
    Description = "The tenant namespace the samples are applied to.",
    DefaultValueFactory = _ => "demo",
};
var stateOption = new Option<DirectoryInfo?>("--state")
{
    Description = "Where the control plane keeps its state, logs and kubeconfig (default: .sandbox in the repository); emptied at start.",
};
var onceOption = new Option<bool>("--once") { Description = "Stop after printing the table instead of staying up." };
var root = new RootCommand("The Cloud Temple operator sandbox: a real local control plane with the CRDs and the samples.")
{
    repositoryOption, namespaceOption, stateOption, onceOption,
};
root.SetAction((parse, cancellationToken) =>
{
    var repository = parse.GetValue(repositoryOption)!.FullName;
    var state = parse.GetValue(stateOption)?.FullName ?? Path.Combine(repository, ".sandbox");
    return RunAsync(repository, state, parse.GetValue(namespaceOption)!, parse.GetValue(onceOption), cancellationToken);
});
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

static async Task<int> RunAsync(string repository, string state, string tenantNamespace, bool once, CancellationToken cancellationToken)
{
    var stopwatch = Stopwatch.StartNew();
    if (Directory.Exists(state))
    {
        Directory.Delete(state, recursive: true);
    }

    Say("starting etcd and kube-apiserver on loopback");
    await using var controlPlane = await ControlPlane.StartAsync(state, cancellationToken).ConfigureAwait(false);
    Say($"kube-apiserver ready at {controlPlane.Server} ({stopwatch.Elapsed.TotalSeconds:F1} s)");

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
    var crds = CustomResources.All
        .Select(t => t.GetCustomAttributes(typeof(KubernetesEntityAttribute), false).Cast<KubernetesEntityAttribute>().Single())
        .Select(e => $"crd/{e.PluralName}.{e.Group}");
    (await kubectl.RunAsync(["wait", "--for=condition=Established", "--timeout=60s", .. crds]).ConfigureAwait(false)).EnsureSuccess();

    Say($"applying config/samples to namespace {tenantNamespace}");
    (await kubectl.RunAsync("create", "namespace", tenantNamespace).ConfigureAwait(false)).EnsureSuccess();
    (await kubectl.RunAsync("config", "set-context", "--current", $"--namespace={tenantNamespace}").ConfigureAwait(false)).EnsureSuccess();
    Console.Write((await kubectl.RunAsync("apply", "-k", Path.Combine(repository, "config", "samples")).ConfigureAwait(false)).EnsureSuccess().StandardOutput);

    Say($"ready in {stopwatch.Elapsed.TotalSeconds:F1} s. The operator does not run here yet (it joins the sandbox with the controllers):");
    Say("objects are validated and stored by the API server, not reconciled, so READY stays empty.");
    Console.WriteLine();
    Console.Write((await kubectl.RunAsync("get", "cloudtemple").ConfigureAwait(false)).EnsureSuccess().StandardOutput);
    Console.WriteLine();
    Console.WriteLine($"""
        Use it from another terminal:
          export KUBECONFIG={controlPlane.KubeconfigPath}
          kubectl get cloudtemple
          kubectl explain cpool.spec
          kubectl apply -f config/samples/iaas_v1alpha1_cpool.yaml
        Logs of etcd and kube-apiserver: {controlPlane.Log.Path}
        """);

    if (!once)
    {
        Say("up until Ctrl-C");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Say("stopping");
        }
    }

    return 0;
}

static void Say(string message) => Console.WriteLine($"[sandbox] {message}");

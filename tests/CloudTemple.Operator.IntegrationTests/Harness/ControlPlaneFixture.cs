using System.Diagnostics;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.LocalControlPlane;
using k8s;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace CloudTemple.Operator.IntegrationTests.Harness;

/// <summary>
/// One real control plane for the test assembly (what KubeOps.Testing or envtest would give):
/// etcd and kube-apiserver on free loopback ports, the committed CRDs installed with kubectl,
/// both processes stopped at the end.
/// </summary>
public sealed class ControlPlaneFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    private ControlPlane? _controlPlane;

    public ControlPlane ControlPlane => _controlPlane ?? throw new InvalidOperationException("The control plane has not started.");

    public IKubernetes Client { get; private set; } = null!;

    /// <summary>The plural.group names of the installed CRDs.</summary>
    public static IReadOnlyList<string> CrdNames { get; } = CustomResources.All
        .Select(t => t.GetCustomAttributes(typeof(k8s.Models.KubernetesEntityAttribute), false).Cast<k8s.Models.KubernetesEntityAttribute>().Single())
        .Select(e => $"{e.PluralName}.{e.Group}")
        .ToList();

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _controlPlane = await ControlPlane.StartAsync().ConfigureAwait(false);
        Client = _controlPlane.CreateClient();
        var version = await Client.Version.GetCodeAsync().ConfigureAwait(false);
        Report($"kube-apiserver {version.GitVersion} ready at {_controlPlane.Server} in {stopwatch.Elapsed.TotalSeconds:F1} s (log: {_controlPlane.Log.Path})");

        var kubectl = new Kubectl(_controlPlane.KubeconfigPath);
        (await kubectl.RunAsync("apply", "-k", RepositoryPaths.Combine("config", "crd")).ConfigureAwait(false)).EnsureSuccess();
        (await kubectl.RunAsync(["wait", "--for=condition=Established", "--timeout=60s", .. CrdNames.Select(n => $"crd/{n}")]).ConfigureAwait(false)).EnsureSuccess();
        Report($"installed {CrdNames.Count} CRDs from config/crd in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_controlPlane is not null)
        {
            await _controlPlane.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Report(string message) => diagnostics.OnMessage(new DiagnosticMessage($"[control-plane] {message}"));
}

[CollectionDefinition(Name)]
public sealed class ControlPlaneTests : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "control plane";
}

using System.Net;
using System.Net.Sockets;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudTemple.Operator.Tests.Runtime;

/// <summary>What /readyz says while the runtime is not ready: which informer, and why.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task WhileAnInformerCannotList_NotReadyNamesItsKindItsNamespaceAndTheLastFailure()
    {
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{ClosedPort()}" });
        var options = new RuntimeOptions
        {
            LeaderElection = false,
            Namespaces = ["team-a"],
            Informer = new InformerOptions { BaseReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) },
        };
        using var runtime = new OperatorRuntime(client, options, NullLoggerFactory.Instance);
        runtime.AddController(new IdleReconciler());
        Assert.Equal(["Vlan: not started"], runtime.NotReady);

        using var stop = new CancellationTokenSource();
        var run = runtime.RunAsync(stop.Token);
        await Eventually.HoldsAsync(() => Task.FromResult(runtime.NotReady.Any(r => r.Contains("last failure", StringComparison.Ordinal))), what: "a failed list");

        Assert.False(runtime.IsReady);
        Assert.StartsWith("Vlan in namespace team-a: not listed yet (last failure: HttpRequestException: ", Assert.Single(runtime.NotReady), StringComparison.Ordinal);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // A loopback port nothing listens on: every request is refused at once.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class IdleReconciler : IReconciler<Vlan>
    {
        public Task<ReconcileResult> ReconcileAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken) =>
            Task.FromResult(ReconcileResult.Done);

        public Task<FinalizeResult> FinalizeAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken) =>
            Task.FromResult(FinalizeResult.Done);
    }
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Harness;

/// <summary>An operator runtime running in the test process against the real API server, stopped on dispose.</summary>
public sealed class RuntimeHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private RuntimeHost(OperatorRuntime runtime, RequestCounter requests, IKubernetes client)
    {
        Runtime = runtime;
        Requests = requests;
        Client = client;
        _run = Task.Run(() => runtime.RunAsync(_stop.Token));
    }

    public OperatorRuntime Runtime { get; }

    /// <summary>Every request the runtime's client sent.</summary>
    public RequestCounter Requests { get; }

    public IKubernetes Client { get; }

    /// <summary>Starts a runtime watching <paramref name="namespaceName"/> with <paramref name="reconciler"/> for kind <typeparamref name="T"/>.</summary>
    public static RuntimeHost Start<T>(string kubeconfig, string namespaceName, IReconciler<T> reconciler, Func<RuntimeOptions, RuntimeOptions>? configure = null, ILoggerFactory? loggers = null)
        where T : class, ICustomResource =>
        Start(kubeconfig, namespaceName, runtime => runtime.AddController(reconciler), configure, loggers);

    /// <summary>Starts a runtime watching <paramref name="namespaceName"/> with the controllers <paramref name="register"/> adds.</summary>
    public static RuntimeHost Start(string kubeconfig, string namespaceName, Action<OperatorRuntime> register, Func<RuntimeOptions, RuntimeOptions>? configure = null, ILoggerFactory? loggers = null)
    {
        var requests = new RequestCounter();
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), requests);
        var options = new RuntimeOptions
        {
            Namespaces = [namespaceName],
            Parallelism = 2,
            ResyncPeriod = TimeSpan.FromMinutes(10),
            LeaderElection = false,
            LeaseNamespace = namespaceName,
            Queue = new WorkQueueOptions { BaseRetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromSeconds(2) },
            Informer = new InformerOptions { BaseReconnectDelay = TimeSpan.FromMilliseconds(200), MaxReconnectDelay = TimeSpan.FromSeconds(2) },
        };
        var runtime = new OperatorRuntime(client, configure?.Invoke(options) ?? options, loggers ?? NullLoggerFactory.Instance);
        register(runtime);
        return new RuntimeHost(runtime, requests, client);
    }

    /// <summary>Stops the runtime as a graceful shutdown does; its lease, if any, is released.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        Runtime.Dispose();
        Client.Dispose();
        _stop.Dispose();
    }
}

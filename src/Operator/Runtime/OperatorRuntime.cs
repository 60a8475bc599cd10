using CloudTemple.Operator.Entities;
using k8s;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// The controller runtime: one controller per registered kind, run while this replica leads (or
/// always, without leader election), sharing one metrics registry and one event recorder.
/// </summary>
public sealed class OperatorRuntime : IDisposable
{
    private readonly IKubernetes _client;
    private readonly RuntimeOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly List<IController> _controllers = [];
    private readonly EventRecorder _events;
    private readonly LeaderGate _gate;

    public OperatorRuntime(IKubernetes client, RuntimeOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _client = client;
        _options = options;
        _loggers = loggers;
        _time = time ?? TimeProvider.System;
        Metrics = new OperatorMetrics();
        _events = new EventRecorder(client, options.Identity, Metrics, loggers.CreateLogger<EventRecorder>(), _time);
        _gate = new LeaderGate(client, options, Metrics, loggers.CreateLogger<LeaderGate>());
    }

    public OperatorMetrics Metrics { get; }

    public IReadOnlyList<IController> Controllers => _controllers;

    /// <summary>Whether this replica reconciles now: it leads, or leader election is off.</summary>
    public bool IsLeader => !_options.LeaderElection || _gate.IsLeader;

    /// <summary>Ready: a follower standing by, or a leader whose caches are synced.</summary>
    public bool IsReady => !IsLeader || _controllers.All(c => c.HasSynced);

    /// <summary>Registers the reconciler of a kind.</summary>
    public OperatorRuntime AddController<T>(IReconciler<T> reconciler)
        where T : class, ICustomResource
    {
        _controllers.Add(new Controller<T>(_client, reconciler, _options, Metrics, _events, _loggers.CreateLogger($"CloudTemple.Operator.Controllers.{typeof(T).Name}"), _time));
        return this;
    }

    /// <summary>Runs until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _options.LeaderElection ? _gate.RunAsync(RunControllersAsync, cancellationToken) : RunControllersAsync(cancellationToken);

    public void Dispose() => _events.Dispose();

    private Task RunControllersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_controllers.Select(c => c.RunAsync(cancellationToken)));
}

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

    /// <summary>The options it runs with.</summary>
    public RuntimeOptions Options => _options;

    public IReadOnlyList<IController> Controllers => _controllers;

    /// <summary>Whether this replica reconciles now: it leads, or leader election is off.</summary>
    public bool IsLeader => !_options.LeaderElection || _gate.IsLeader;

    /// <summary>Ready: a follower standing by, or a leader whose caches are synced.</summary>
    public bool IsReady => NotReady.Count == 0;

    /// <summary>Why this replica is not ready: one line per informer not synced (empty when ready), for /readyz.</summary>
    public IReadOnlyList<string> NotReady => IsLeader ? [.. _controllers.SelectMany(c => c.NotSynced)] : [];

    /// <summary>Registers the reconciler of a kind.</summary>
    public OperatorRuntime AddController<T>(IReconciler<T> reconciler)
        where T : class, ICustomResource
    {
        _controllers.Add(new Controller<T>(_client, reconciler, _options, Metrics, _events, _loggers.CreateLogger($"CloudTemple.Operator.Controllers.{typeof(T).Name}"), _time)
        {
            // Reconcilers read every registered kind from the caches: their workers wait for all of them.
            CachesSynced = () => _controllers.TrueForAll(c => c.HasSynced),
        });
        return this;
    }

    /// <summary>
    /// Reconciles the objects of kind <typeparamref name="TReferrer"/> that reference an object of kind
    /// <typeparamref name="TReferenced"/> (by name, in the same namespace) as soon as that object
    /// becomes Ready or stops being Ready or goes away — not at their next poll or resync.
    /// </summary>
    public OperatorRuntime AddReferences<TReferenced, TReferrer>(Func<TReferrer, IEnumerable<string>> referencedNames)
        where TReferenced : class, ICustomResource
        where TReferrer : class, ICustomResource
    {
        var referenced = Controller(typeof(TReferenced));
        var referrers = Controller(typeof(TReferrer));
        referenced.ReadinessChanged += changed =>
        {
            var key = ObjectKey.Of(changed);
            foreach (var referrer in referrers.Cached.OfType<TReferrer>())
            {
                if (referrer.Metadata.NamespaceProperty == key.Namespace && referencedNames(referrer).Contains(key.Name, StringComparer.Ordinal))
                {
                    referrers.Enqueue(ObjectKey.Of(referrer));
                }
            }
        };
        return this;
    }

    /// <summary>Runs until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        _options.LeaderElection ? _gate.RunAsync(RunControllersAsync, cancellationToken) : RunControllersAsync(cancellationToken);

    public void Dispose() => _events.Dispose();

    /// <summary>
    /// The controller of kind <paramref name="entityType"/> when it is registered and its informers
    /// have listed (see <see cref="Validation.CachedNamespaceView"/>), else null.
    /// </summary>
    public IController? SyncedController(Type entityType) =>
        _controllers.SingleOrDefault(c => c.Name == EntityInfo.Of(entityType).ControllerName) is { HasSynced: true } controller ? controller : null;

    private IController Controller(Type entityType) =>
        _controllers.SingleOrDefault(c => c.Name == EntityInfo.Of(entityType).ControllerName)
        ?? throw new InvalidOperationException($"Register the controller of {entityType.Name} before its references.");

    private Task RunControllersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_controllers.Select(c => c.RunAsync(cancellationToken)));
}

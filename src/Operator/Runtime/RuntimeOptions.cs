namespace CloudTemple.Operator.Runtime;

/// <summary>Settings of the controller runtime: what is watched, how much runs at once, leader election.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Namespaces to watch; empty means every namespace.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Reconciles that may run at once per kind.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>
    /// How long, at most, the other workers of a controller wait for its first reconcile when it
    /// starts; zero starts every worker at once. In a cold process one reconcile alone is done in a
    /// fraction of the time that <see cref="Parallelism"/> of them started together take: they share
    /// the JIT of the same code and the cores, and all finish late.
    /// </summary>
    public TimeSpan FirstReconcileAlone { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each object is reconciled when nothing changes, to detect drift (±10 % jitter).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether only the holder of the lease reconciles.</summary>
    public bool LeaderElection { get; init; } = true;

    /// <summary>The namespace of the leader Lease.</summary>
    public string LeaseNamespace { get; init; } = "default";

    /// <summary>The name of the leader Lease.</summary>
    public string LeaseName { get; init; } = "cloudtemple-operator-leader";

    /// <summary>This replica's identity in the Lease.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>How long a lease is valid without renewal: the longest takeover after a crash.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to acquire, and the leader renews.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The platform driver: simulated or cloudtemple.</summary>
    public string Platform { get; init; } = "simulated";

    /// <summary>Backoff and rate limits of the work queues.</summary>
    public WorkQueueOptions Queue { get; init; } = new();

    /// <summary>Watch timeouts and reconnection backoff of the informers.</summary>
    public InformerOptions Informer { get; init; } = new();
}

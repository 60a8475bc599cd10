namespace CloudTemple.Operator.Platform;

/// <summary>The activities of writes: poll one, wait for one.</summary>
public interface IActivityDriver
{
    /// <summary>
    /// Where an activity stands. A 404 during the first polls after the write is reported as
    /// <see cref="ActivityWaiting"/>; past that tolerance it throws <see cref="PlatformNotFoundException"/>.
    /// </summary>
    Task<ActivityState> GetActivityAsync(string activityId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Polls an activity with backoff until it ends: returns its completion, throws
    /// <see cref="OperationFailedException"/> when it failed. For tests and simple paths: a
    /// controller persists the activity id and polls across reconciles instead.
    /// </summary>
    Task<ActivityCompleted> WaitAsync(string activityId, CancellationToken cancellationToken = default);
}

/// <summary>The platform for one set of credentials: one driver per subsystem.</summary>
/// <remarks>
/// Every write returns a <see cref="PlatformOperation"/> as soon as the platform accepted it, without
/// waiting: persist its activity and resource ids, then poll <see cref="IActivityDriver.GetActivityAsync"/>.
/// Writes are never retried blindly: a lost answer throws <see cref="PlatformOutcomeUnknownException"/>
/// (and a cancelled write is just as unknown): look the resource up by name, or read it again,
/// before writing again. Reads retry transient failures themselves, within a bound.
/// </remarks>
public interface IPlatform
{
    /// <summary>Which API this is: each kind's client declares what that API can do.</summary>
    PlatformApi Api { get; }

    /// <summary>Activities (the asynchronous side of every write).</summary>
    IActivityDriver Activities { get; }

    /// <summary>Cpools and the VM inventory.</summary>
    IComputeDriver Compute { get; }

    /// <summary>Block volumes and Global Mirror.</summary>
    IStorageDriver Storage { get; }

    /// <summary>VLANs.</summary>
    INetworkDriver Network { get; }

    /// <summary>Backup policies.</summary>
    IBackupDriver Backup { get; }

    /// <summary>VM replications.</summary>
    IReplicationDriver Replication { get; }

    /// <summary>HSM key providers and VM encryption.</summary>
    IKeyManagementDriver KeyManagement { get; }
}

/// <summary>
/// Gives the <see cref="IPlatform"/> of a set of credentials. Sessions (token, rate limit, circuit
/// breaker) are cached per credentials: the same credentials always get the same session.
/// </summary>
public interface IPlatformConnections
{
    /// <summary>The platform as seen with these credentials.</summary>
    IPlatform Connect(PlatformCredentials credentials);
}

/// <summary>The platform APIs the operator speaks.</summary>
public enum PlatformApi
{
    /// <summary>The simulated platform: the console API's shape plus provisioning routes for everything.</summary>
    Simulated,

    /// <summary>The Cloud Temple console API: observation and a few writes; the rest is a manual order.</summary>
    Console,
}

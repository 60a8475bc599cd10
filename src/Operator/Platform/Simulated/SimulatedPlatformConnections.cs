using System.Collections.Concurrent;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>
/// The drivers of the simulated platform service (<c>cloudtemple-simulator</c>), whose API has the
/// real console API's shape plus its own provisioning routes. One session per credentials, cached
/// for the life of this object (tokens, rate limit and circuit breaker are per session).
/// </summary>
/// <param name="options">How to reach and talk to the platform.</param>
public sealed class SimulatedPlatformConnections(PlatformOptions options) : IPlatformConnections, IDisposable
{
    private readonly ConcurrentDictionary<PlatformCredentials, Lazy<Connection>> _connections = new();
    private bool _disposed;

    /// <summary>The default options.</summary>
    public SimulatedPlatformConnections()
        : this(new PlatformOptions())
    {
    }

    /// <inheritdoc/>
    public IPlatform Connect(PlatformCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _connections.GetOrAdd(credentials, c => new Lazy<Connection>(() => new Connection(new PlatformSession(c, options)))).Value;
    }

    /// <summary>How many token exchanges the session of these credentials made (0 when it has none).</summary>
    public int TokenExchanges(PlatformCredentials credentials) =>
        _connections.TryGetValue(credentials, out var connection) && connection.IsValueCreated ? connection.Value.Session.TokenExchanges : 0;

    public void Dispose()
    {
        _disposed = true;
        foreach (var connection in _connections.Values.Where(c => c.IsValueCreated))
        {
            connection.Value.Session.Dispose();
        }

        _connections.Clear();
    }

    private sealed class Connection(PlatformSession session) : IPlatform
    {
        public PlatformSession Session { get; } = session;

        public IActivityDriver Activities { get; } = new SimulatedActivityDriver(session);

        public IComputeDriver Compute { get; } = new SimulatedComputeDriver(session);

        public IStorageDriver Storage { get; } = new SimulatedStorageDriver(session);

        public INetworkDriver Network { get; } = new SimulatedNetworkDriver(session);

        public IBackupDriver Backup { get; } = new SimulatedBackupDriver(session);

        public IReplicationDriver Replication { get; } = new SimulatedReplicationDriver(session);

        public IKeyManagementDriver KeyManagement { get; } = new SimulatedKeyManagementDriver(session);
    }
}

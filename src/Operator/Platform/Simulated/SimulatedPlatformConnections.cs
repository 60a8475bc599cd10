using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>
/// The drivers of the simulated platform service (<c>cloudtemple-simulator</c>), whose API has the
/// real console API's shape plus its own provisioning routes. One session per credentials.
/// </summary>
/// <param name="options">How to reach and talk to the platform.</param>
public sealed class SimulatedPlatformConnections(PlatformOptions options) : SessionConnections(options)
{
    /// <summary>The default options.</summary>
    public SimulatedPlatformConnections()
        : this(new PlatformOptions())
    {
    }

    internal override IPlatform CreatePlatform(PlatformSession session) => new Platform(session);

    private sealed class Platform(PlatformSession session) : IPlatform
    {
        public PlatformApi Api => PlatformApi.Simulated;

        public IActivityDriver Activities { get; } = new ActivityDriver(session);

        public IComputeDriver Compute { get; } = new SimulatedComputeDriver(session);

        public IStorageDriver Storage { get; } = new SimulatedStorageDriver(session);

        public INetworkDriver Network { get; } = new SimulatedNetworkDriver(session);

        public IBackupDriver Backup { get; } = new SimulatedBackupDriver(session);

        public IReplicationDriver Replication { get; } = new SimulatedReplicationDriver(session);

        public IKeyManagementDriver KeyManagement { get; } = new SimulatedKeyManagementDriver(session);
    }
}

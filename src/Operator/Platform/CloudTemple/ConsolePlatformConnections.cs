using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// The drivers of the Cloud Temple console API ("Shiva", <c>https://shiva.cloud-temple.com</c>):
/// everything its public routes can do — observe and adopt host clusters, datastores, networks and
/// SLA policies; assign SLA policies to VMs — and, for everything else, a
/// <see cref="ManualOrderRequiredException"/> that names the order to place, with nothing sent.
/// One session per credentials.
/// </summary>
/// <param name="options">How to reach and talk to the platform.</param>
public sealed class ConsolePlatformConnections(PlatformOptions options) : SessionConnections(options)
{
    /// <summary>The console API's public address.</summary>
    public static Uri DefaultBaseUrl { get; } = new("https://shiva.cloud-temple.com/");

    internal override IPlatform CreatePlatform(PlatformSession session) => new Platform(session);

    private sealed class Platform : IPlatform
    {
        public Platform(PlatformSession session)
        {
            var compute = new ConsoleComputeDriver(session);
            Activities = new ActivityDriver(session);
            Compute = compute;
            Storage = new ConsoleStorageDriver(session, compute);
            Network = new ConsoleNetworkDriver(session);
            Backup = new ConsoleBackupDriver(session, compute);
        }

        public PlatformApi Api => PlatformApi.Console;

        public IActivityDriver Activities { get; }

        public IComputeDriver Compute { get; }

        public IStorageDriver Storage { get; }

        public INetworkDriver Network { get; }

        public IBackupDriver Backup { get; }

        public IReplicationDriver Replication { get; } = new ConsoleReplicationDriver();

        public IKeyManagementDriver KeyManagement { get; } = new ConsoleKeyManagementDriver();
    }
}

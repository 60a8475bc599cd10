using CloudTemple.Operator.Controllers.BackupPolicies;
using CloudTemple.Operator.Controllers.BlockVolumes;
using CloudTemple.Operator.Controllers.Cpools;
using CloudTemple.Operator.Controllers.HsmKeyProviders;
using CloudTemple.Operator.Controllers.Vlans;
using CloudTemple.Operator.Controllers.VmReplications;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Platform.Simulated;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;
using k8s;

namespace CloudTemple.Operator.Controllers;

/// <summary>Which platform the operator drives, and with whose credentials by default.</summary>
/// <param name="Platform">simulated or cloudtemple.</param>
/// <param name="BaseUrl">The platform API's address; null: the platform's default.</param>
/// <param name="OperatorCredentials">The operator's own personal access token, if it has one.</param>
/// <param name="CredentialsPolicy">Which namespaces may use it, and which addresses a namespace's Secret may name; default: none.</param>
public sealed record PlatformSetup(string Platform, Uri? BaseUrl, PlatformCredentials? OperatorCredentials, CredentialsPolicy? CredentialsPolicy = null)
{
    /// <summary>The simulated platform (the embedded default).</summary>
    public const string Simulated = "simulated";

    /// <summary>The Cloud Temple console API.</summary>
    public const string CloudTemple = "cloudtemple";

    /// <summary>The simulator's address when none is given.</summary>
    public static Uri DefaultSimulatorUrl { get; } = new("http://127.0.0.1:8443");

    /// <summary>The operator's credentials from CLOUDTEMPLE_CREDENTIALS_ID and CLOUDTEMPLE_CREDENTIALS_SECRET (the chart sets them from a Secret).</summary>
    public static PlatformCredentials? FromEnvironment() =>
        Environment.GetEnvironmentVariable("CLOUDTEMPLE_CREDENTIALS_ID") is { Length: > 0 } id
        && Environment.GetEnvironmentVariable("CLOUDTEMPLE_CREDENTIALS_SECRET") is { Length: > 0 } secret
            ? new PlatformCredentials(id, secret)
            : null;
}

/// <summary>The platform connections and credentials the controllers and the webhook share.</summary>
public sealed record PlatformServices(IPlatformConnections Connections, CredentialsResolver Credentials)
{
    /// <summary>The services of the platform <paramref name="setup"/> names: the simulated platform, or the Cloud Temple console API.</summary>
    public static PlatformServices For(IKubernetes client, PlatformSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var (connections, baseUrl) = setup.Platform switch
        {
            PlatformSetup.Simulated => Connect(setup.BaseUrl ?? PlatformSetup.DefaultSimulatorUrl, o => new SimulatedPlatformConnections(o)),
            PlatformSetup.CloudTemple => Connect(setup.BaseUrl ?? ConsolePlatformConnections.DefaultBaseUrl, o => new ConsolePlatformConnections(o)),
            _ => throw new ArgumentException($"Unknown platform '{setup.Platform}': use {PlatformSetup.Simulated} or {PlatformSetup.CloudTemple}.", nameof(setup)),
        };
        return new PlatformServices(connections, new CredentialsResolver(client, setup.OperatorCredentials, baseUrl, setup.CredentialsPolicy));
    }

    private static (IPlatformConnections, Uri) Connect(Uri baseUrl, Func<PlatformOptions, IPlatformConnections> create) =>
        (create(new PlatformOptions { BaseUrl = baseUrl }), baseUrl);
}

/// <summary>The controller of every kind, and the references that wake referrers.</summary>
public static class ControllerRegistry
{
    public static OperatorRuntime Register(OperatorRuntime runtime, IKubernetes client, PlatformSetup setup) =>
        Register(runtime, client, PlatformServices.For(client, setup));

    public static OperatorRuntime Register(OperatorRuntime runtime, IKubernetes client, PlatformServices services)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(services);
        var (connections, credentials) = (services.Connections, services.Credentials);
        var view = new CachedNamespaceView(runtime, new ApiNamespaceView(client, runtime.Options.Namespaces));
        return runtime
            .AddController(new CpoolKind().Reconciler(connections, credentials, view))
            .AddController(new BlockVolumeKind().Reconciler(connections, credentials, view))
            .AddController(new VlanKind().Reconciler(connections, credentials, view))
            .AddController(new BackupPolicyKind().Reconciler(connections, credentials, view))
            .AddController(new VmReplicationKind().Reconciler(connections, credentials, view))
            .AddController(new HsmKeyProviderKind().Reconciler(connections, credentials, view))
            .AddReferences<Cpool, Vlan>(v => v.Spec.CpoolRefs.Select(r => r.Name))
            .AddReferences<Cpool, BlockVolume>(v => v.Spec.CpoolRefs.Select(r => r.Name).Concat(v.Spec.Replication is { } r ? [r.StandbyCpoolRef.Name] : []))
            .AddReferences<Cpool, VmReplication>(r => [r.Spec.TargetCpoolRef.Name])
            .AddReferences<Cpool, HsmKeyProvider>(p => p.Spec.CpoolRefs.Select(r => r.Name))
            .AddReferences<BlockVolume, VmReplication>(r => [r.Spec.TargetBlockVolumeRef.Name]);
    }
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.Simulated;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;
using k8s;

namespace CloudTemple.Operator.Controllers;

/// <summary>Which platform the operator drives, and with whose credentials by default.</summary>
/// <param name="Platform">simulated or cloudtemple.</param>
/// <param name="BaseUrl">The platform API's address; null: the platform's default.</param>
/// <param name="OperatorCredentials">The operator's own personal access token, if it has one.</param>
public sealed record PlatformSetup(string Platform, Uri? BaseUrl, PlatformCredentials? OperatorCredentials)
{
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
    /// <summary>The services of the simulated platform; null for a platform without a driver yet.</summary>
    public static PlatformServices? For(IKubernetes client, PlatformSetup setup)
    {
        if (setup.Platform != "simulated")
        {
            return null;
        }

        var baseUrl = setup.BaseUrl ?? PlatformSetup.DefaultSimulatorUrl;
        return new PlatformServices(new SimulatedPlatformConnections(new PlatformOptions { BaseUrl = baseUrl }), new CredentialsResolver(client, setup.OperatorCredentials, baseUrl));
    }
}

/// <summary>The controller of every kind, and the references that wake referrers.</summary>
public static class ControllerRegistry
{
    public static OperatorRuntime Register(OperatorRuntime runtime, IKubernetes client, PlatformSetup setup) =>
        Register(runtime, client, setup, PlatformServices.For(client, setup));

    public static OperatorRuntime Register(OperatorRuntime runtime, IKubernetes client, PlatformSetup setup, PlatformServices? services)
    {
        if (services is not null)
        {
            var (connections, credentials) = (services.Connections, services.Credentials);
            var view = new CachedNamespaceView(runtime, new ApiNamespaceView(client));
            runtime
                .AddController(new CpoolReconciler(connections, credentials, view))
                .AddController(new BlockVolumeReconciler(connections, credentials, view))
                .AddController(new VlanReconciler(connections, credentials, view))
                .AddController(new BackupPolicyReconciler(connections, credentials, view))
                .AddController(new VmReplicationReconciler(connections, credentials, view))
                .AddController(new HsmKeyProviderReconciler(connections, credentials, view));
        }
        else
        {
            // The Cloud Temple console API driver is not written yet: every kind says so.
            runtime
                .AddController(new NoPlatformReconciler<Cpool>(setup.Platform))
                .AddController(new NoPlatformReconciler<BlockVolume>(setup.Platform))
                .AddController(new NoPlatformReconciler<Vlan>(setup.Platform))
                .AddController(new NoPlatformReconciler<BackupPolicy>(setup.Platform))
                .AddController(new NoPlatformReconciler<VmReplication>(setup.Platform))
                .AddController(new NoPlatformReconciler<HsmKeyProvider>(setup.Platform));
        }

        return runtime
            .AddReferences<Cpool, Vlan>(v => v.Spec.CpoolRefs.Select(r => r.Name))
            .AddReferences<Cpool, BlockVolume>(v => v.Spec.CpoolRefs.Select(r => r.Name).Concat(v.Spec.Replication is { } r ? [r.StandbyCpoolRef.Name] : []))
            .AddReferences<Cpool, VmReplication>(r => [r.Spec.TargetCpoolRef.Name])
            .AddReferences<Cpool, HsmKeyProvider>(p => p.Spec.CpoolRefs.Select(r => r.Name))
            .AddReferences<BlockVolume, VmReplication>(r => [r.Spec.TargetBlockVolumeRef.Name]);
    }
}

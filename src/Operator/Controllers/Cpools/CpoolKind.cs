using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.Cpools;

/// <summary>
/// Cpool: a VMware ESXi cluster of identical blades in one zone. Hosts, memory (default hosts × 128,
/// C4), HA and affinity rules follow the spec; a hypervisorBuild change is rolled by the platform one
/// host at a time (C8). HA (C5), memory pressure (C6) and affinity satisfiability (C9) are reported
/// as warning conditions: Ready stays True when the platform matches the spec. Block volumes, VLANs,
/// VM replications and HSM key providers that name a Cpool hold its deletion.
/// </summary>
public sealed class CpoolKind : ManagedKind<Cpool, CpoolObservation>
{
    /// <summary>Condition type of rule C5.</summary>
    public const string HighAvailability = "HighAvailability";

    /// <summary>Condition type of rule C6.</summary>
    public const string MemoryPressure = "MemoryPressure";

    /// <summary>Condition type of rule C9.</summary>
    public const string AffinityRulesSatisfiable = "AffinityRulesSatisfiable";

    public override string Noun => "Cpool";

    public override async Task<IReadOnlyList<string>> UsedByAsync(Cpool entity, INamespaceView view, CancellationToken cancellationToken)
    {
        var ns = entity.Metadata.NamespaceProperty ?? string.Empty;
        var name = entity.Metadata.Name;
        var users = new List<string>();

        var volumes = await view.ListAsync<BlockVolume>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(volumes
            .Where(v => v.Spec.CpoolRefs.Any(r => r.Name == name) || v.Spec.Replication?.StandbyCpoolRef.Name == name)
            .Select(v => $"BlockVolume/{v.Metadata.Name}"));

        var vlans = await view.ListAsync<Vlan>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(vlans.Where(v => v.Spec.CpoolRefs.Any(r => r.Name == name)).Select(v => $"Vlan/{v.Metadata.Name}"));

        var replications = await view.ListAsync<VmReplication>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(replications.Where(r => r.Spec.TargetCpoolRef.Name == name).Select(r => $"VmReplication/{r.Metadata.Name}"));

        var providers = await view.ListAsync<HsmKeyProvider>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(providers.Where(p => p.Spec.CpoolRefs.Any(r => r.Name == name)).Select(p => $"HsmKeyProvider/{p.Metadata.Name}"));

        return users;
    }

    public override ExternalClient<Cpool, CpoolObservation> Connect(IPlatform platform, ReconcileContext<Cpool> context, ResolvedReferences references) =>
        platform.Api == PlatformApi.Console ? new ConsoleCpoolClient(platform, context, references) : new CpoolClient(platform, context, references);
}

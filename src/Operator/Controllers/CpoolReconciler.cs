using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// Cpool: a VMware ESXi cluster of identical blades in one zone. Hosts, memory (default hosts × 128,
/// C4), HA and affinity rules follow the spec; a hypervisorBuild change is rolled by the platform one
/// host at a time (C8). HA (C5), memory pressure (C6) and affinity satisfiability (C9) are reported
/// as warning conditions: Ready stays True when the platform matches the spec.
/// </summary>
public sealed class CpoolReconciler(IPlatformConnections connections, CredentialsResolver credentials, INamespaceView view, ReconcilerOptions? options = null)
    : PlatformReconciler<Cpool, CpoolObservation>(connections, credentials, view, options)
{
    /// <summary>Condition type of rule C5.</summary>
    public const string HighAvailability = "HighAvailability";

    /// <summary>Condition type of rule C6.</summary>
    public const string MemoryPressure = "MemoryPressure";

    /// <summary>Condition type of rule C9.</summary>
    public const string AffinityRulesSatisfiable = "AffinityRulesSatisfiable";

    // vSphere HA is on unless asked otherwise: what a cluster has when the platform does not say.
    private const bool PlatformDefaultHighAvailability = true;

    private readonly INamespaceView _view = view;

    protected override string? CannotChangeInPlace(Cpool entity, CpoolObservation observed) =>
        entity.Spec.AvailabilityZone != observed.Zone
            ? $"spec.availabilityZone is {entity.Spec.AvailabilityZone} but the Cpool lives in {observed.Zone}: a Cpool cannot move between zones (rule C3); create another Cpool."
            : observed.BladeType is { } blade && entity.Spec.BladeType != blade
                ? $"spec.bladeType is {ApiNames.Of(entity.Spec.BladeType)} but the Cpool's hosts are {ApiNames.Of(blade)} blades: the blade type cannot change in place (rule C2); create another Cpool."
                : null;

    protected override string Noun => "Cpool";

    protected override Task<CpoolObservation> GetAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Compute.GetCpoolAsync(id, cancellationToken);

    protected override Task<CpoolObservation?> FindByNameAsync(IPlatform platform, Cpool entity, CancellationToken cancellationToken) =>
        platform.Compute.FindCpoolByNameAsync(entity.Metadata.Name, cancellationToken);

    protected override string IdOf(CpoolObservation observation) => observation.Id;

    protected override bool IsBusy(CpoolObservation observation) =>
        observation.State != ResourceState.Ready
        || observation.HypervisorUpdate is { } update && update.HostsDone < update.HostsTotal;

    protected override Task<PlatformOperation> CreateAsync(IPlatform platform, ReconcileContext<Cpool> context, CancellationToken cancellationToken) =>
        platform.Compute.CreateCpoolAsync(Specification(context.Entity), cancellationToken);

    protected override async Task<PlatformOperation?> UpdateAsync(IPlatform platform, ReconcileContext<Cpool> context, CpoolObservation observed, CancellationToken cancellationToken)
    {
        var desired = Specification(context.Entity);
        var inLine = desired.Hosts == observed.Hosts
            && desired.MemoryGiB == observed.MemoryGiB
            && desired.HighAvailability == (observed.HighAvailability ?? PlatformDefaultHighAvailability)
            && SameRules(desired.AffinityRules ?? [], observed.AffinityRules ?? []);
        if (!inLine)
        {
            return await platform.Compute.UpdateCpoolAsync(observed.Id, desired, cancellationToken).ConfigureAwait(false);
        }

        // One change at a time: the hosts are rolled to the build once the cluster has its shape (C8).
        if (context.Entity.Spec.HypervisorBuild is { } build && !string.Equals(build, observed.HypervisorBuild, StringComparison.Ordinal))
        {
            var operation = await platform.Compute.UpdateHypervisorAsync(observed.Id, build, cancellationToken).ConfigureAwait(false);
            context.Events.Publish(warning: false, "HypervisorUpdate", "UpdateHypervisor",
                $"Rolling the {observed.Hosts} hosts of Cpool {observed.Id} to ESXi build {build}, one at a time (platform activity {operation.ActivityId}).");
            return operation;
        }

        return null;
    }

    protected override Task<PlatformOperation> DeleteAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Compute.DeleteCpoolAsync(id, cancellationToken);

    protected override IReadOnlyList<string> NotShown(CpoolObservation observed) =>
        [
            .. observed.BladeType is null ? ["spec.bladeType"] : Array.Empty<string>(),
            .. observed.HighAvailability is null ? ["spec.highAvailability"] : Array.Empty<string>(),
            .. observed.AffinityRules is null ? ["spec.affinityRules"] : Array.Empty<string>(),
        ];

    protected override void Report(ReconcileContext<Cpool> context, CpoolObservation observed)
    {
        var status = context.Entity.Status!;
        status.Hosts = observed.Hosts;
        status.MemoryGiB = (int)observed.MemoryGiB;
        status.MemoryMaxGiB = observed.MemoryMaxGiB;
        status.MemoryUsagePercent = (int)decimal.Round(observed.MemoryUsagePercent, MidpointRounding.AwayFromZero);
        status.Gpus = observed.Gpus;
        status.HypervisorBuild = observed.HypervisorBuild ?? status.HypervisorBuild;
        status.VirtualMachines = observed.VirtualMachines;
        status.Billing = Billing(observed.Billing);

        ReportHighAvailability(context.Conditions, observed);
        ReportMemoryPressure(context.Conditions, observed);
        ReportAffinityRules(context.Conditions, observed);
    }

    protected override async Task<IReadOnlyList<string>> UsedByAsync(Cpool entity, CancellationToken cancellationToken)
    {
        var ns = entity.Metadata.NamespaceProperty ?? string.Empty;
        var name = entity.Metadata.Name;
        var users = new List<string>();

        var volumes = await _view.ListAsync<BlockVolume>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(volumes
            .Where(v => v.Spec.CpoolRefs.Any(r => r.Name == name) || v.Spec.Replication?.StandbyCpoolRef.Name == name)
            .Select(v => $"BlockVolume/{v.Metadata.Name}"));

        var vlans = await _view.ListAsync<Vlan>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(vlans.Where(v => v.Spec.CpoolRefs.Any(r => r.Name == name)).Select(v => $"Vlan/{v.Metadata.Name}"));

        var replications = await _view.ListAsync<VmReplication>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(replications.Where(r => r.Spec.TargetCpoolRef.Name == name).Select(r => $"VmReplication/{r.Metadata.Name}"));

        var providers = await _view.ListAsync<HsmKeyProvider>(ns, cancellationToken).ConfigureAwait(false);
        users.AddRange(providers.Where(p => p.Spec.CpoolRefs.Any(r => r.Name == name)).Select(p => $"HsmKeyProvider/{p.Metadata.Name}"));

        return users;
    }

    private static CpoolSpecification Specification(Cpool cpool)
    {
        var spec = cpool.Spec;
        return new CpoolSpecification(
            cpool.Metadata.Name,
            spec.AvailabilityZone,
            spec.BladeType,
            spec.Hosts,
            spec.MemoryGiB ?? PlatformCatalog.MinimumMemoryGiB(spec.Hosts),
            spec.HighAvailability,
            [.. spec.AffinityRules.Select(r => new AffinityRuleSpecification(r.Name, r.Type, r.Enabled, [.. r.VirtualMachines]))]);
    }

    private static bool SameRules(IReadOnlyList<AffinityRuleSpecification> desired, IReadOnlyList<AffinityRuleSpecification> observed) =>
        desired.Count == observed.Count
        && desired.All(d => observed.FirstOrDefault(o => o.Name == d.Name) is { } o
            && o.Type == d.Type
            && o.Enabled == d.Enabled
            && o.VirtualMachines.Order(StringComparer.Ordinal).SequenceEqual(d.VirtualMachines.Order(StringComparer.Ordinal), StringComparer.Ordinal));

    // C5: fewer than 2 hosts, or HA off, means no HA restart and no 99.99 % SLA. A warning, never a refusal.
    private static void ReportHighAvailability(ConditionSet conditions, CpoolObservation observed)
    {
        if (observed.Hosts < PlatformCatalog.HighAvailabilityMinimumHosts || !observed.HighAvailabilityApplicable)
        {
            conditions.Set(HighAvailability, ConditionStatus.False, "TooFewHosts",
                $"The Cpool has {observed.Hosts} host(s): no HA restart, the 99.99 % SLA does not apply (rule C5); at least {PlatformCatalog.HighAvailabilityMinimumHosts} hosts are needed.");
        }
        else if (observed.HighAvailability == false)
        {
            conditions.Set(HighAvailability, ConditionStatus.False, "Disabled",
                "High availability is off (spec.highAvailability: false): no HA restart, the 99.99 % SLA does not apply (rule C5).");
        }
        else
        {
            var shown = observed.HighAvailability is null ? " (the platform's default: the platform does not show the setting)" : string.Empty;
            conditions.Set(HighAvailability, ConditionStatus.True, "Active",
                $"vSphere HA restarts the VMs of a failed host on the other hosts ({observed.Hosts} hosts){shown}; the 99.99 % SLA applies.");
        }
    }

    // C6: average memory use per host above 85 % makes ESXi compress and balloon memory.
    private static void ReportMemoryPressure(ConditionSet conditions, CpoolObservation observed)
    {
        var percent = decimal.Round(observed.MemoryUsagePercent, 1);
        if (observed.MemoryPressure || observed.MemoryUsagePercent > PlatformCatalog.MemoryPressurePercent)
        {
            conditions.Set(MemoryPressure, ConditionStatus.True, "AboveThreshold",
                FormattableString.Invariant($"Average memory use per host is {percent} %, above {PlatformCatalog.MemoryPressurePercent} %: ESXi compresses and balloons memory (rule C6); add hosts or memory, or move VMs."));
        }
        else
        {
            conditions.Set(MemoryPressure, ConditionStatus.False, "BelowThreshold",
                FormattableString.Invariant($"Average memory use per host is {percent} %, at most {PlatformCatalog.MemoryPressurePercent} %."));
        }
    }

    // C9: an enabled anti-affinity rule needs one host per VM it covers.
    private static void ReportAffinityRules(ConditionSet conditions, CpoolObservation observed)
    {
        var unsatisfiable = (observed.AffinityRules ?? [])
            .Where(r => r.Enabled && r.Type == AffinityType.AntiAffinity && r.VirtualMachines.Count > observed.Hosts)
            .Select(r => $"anti-affinity rule '{r.Name}' keeps {r.VirtualMachines.Count} VMs on different hosts")
            .ToList();
        if (unsatisfiable.Count > 0)
        {
            conditions.Set(AffinityRulesSatisfiable, ConditionStatus.False, "MoreVirtualMachinesThanHosts",
                $"The Cpool has {observed.Hosts} host(s), but {BoundedText.List(unsatisfiable, "; ")} (rule C9): add hosts or split the rule.");
        }
        else
        {
            conditions.Set(AffinityRulesSatisfiable, ConditionStatus.True, "Satisfiable",
                $"Every enabled anti-affinity rule covers at most as many VMs as the Cpool has hosts ({observed.Hosts}).");
        }
    }
}

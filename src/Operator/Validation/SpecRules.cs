using System.Collections;
using System.Reflection;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Entities.Schema;

namespace CloudTemple.Operator.Validation;

/// <summary>
/// The rules of docs/rules.md the schema cannot express (layer W): cross-field rules,
/// immutability, grow-only sizes, and rules across objects of a namespace. The validating webhook
/// refuses a spec that breaks them; the controllers refuse it too (Stalled) when the webhook was
/// bypassed. Pure functions of the specs, plus a view of the namespace for the cross-object rules.
/// </summary>
public static class SpecRules
{
    /// <summary>Every rule a new or changed object breaks; <paramref name="old"/> is null on create.</summary>
    public static Task<IReadOnlyList<Violation>> CheckAsync(ICustomResource current, ICustomResource? old, INamespaceView view, CancellationToken cancellationToken) =>
        CheckAsync(current, old, view, tenants: null, cancellationToken);

    /// <summary>
    /// Every rule a new or changed object breaks, the organization's tenants included when
    /// <paramref name="tenants"/> can tell them (N3); when it cannot, the platform refuses instead.
    /// </summary>
    public static async Task<IReadOnlyList<Violation>> CheckAsync(ICustomResource current, ICustomResource? old, INamespaceView view, ITenantDirectory? tenants, CancellationToken cancellationToken)
    {
        // The schema's bounds first, for an object that came past the schema: every rule below
        // assumes a spec within them, which keeps its work bounded and its arithmetic in range.
        var outOfBounds = SpecBounds.Check(current.CommonSpec, "spec");
        if (outOfBounds.Count > 0)
        {
            return outOfBounds;
        }

        var violations = new List<Violation>();
        if (old is not null)
        {
            violations.AddRange(Immutable(old.CommonSpec, current.CommonSpec, "spec"));
            violations.AddRange(ExternalIdRules(current, old));
        }

        violations.AddRange(RefusedValues(current.CommonSpec, "spec"));
        var ns = current.Metadata.NamespaceProperty ?? string.Empty;
        switch (current)
        {
            case Cpool cpool:
                violations.AddRange(CpoolRules(cpool, old as Cpool));
                break;
            case BlockVolume volume:
                violations.AddRange(VolumeRules(volume, old as BlockVolume));
                violations.AddRange(await VolumeReferencesAsync(volume, ns, view, cancellationToken).ConfigureAwait(false));
                break;
            case BackupPolicy policy:
                violations.AddRange(BackupRules(policy));
                break;
            case Vlan vlan when tenants is not null && vlan.Spec.SharedWithTenants.Count > 0:
                violations.AddRange(await SharingRulesAsync(vlan, tenants, cancellationToken).ConfigureAwait(false));
                break;
            case VmReplication replication:
                violations.AddRange(await ReplicationRulesAsync(replication, ns, view, cancellationToken).ConfigureAwait(false));
                break;
            case HsmKeyProvider provider:
                violations.AddRange(await KeyProviderRulesAsync(provider, ns, view, cancellationToken).ConfigureAwait(false));
                break;
        }

        return violations;
    }

    private static IEnumerable<Violation> CpoolRules(Cpool cpool, Cpool? old)
    {
        var spec = cpool.Spec;
        var minimum = PlatformCatalog.MinimumMemoryGiB(spec.Hosts);
        var maximum = PlatformCatalog.MaximumMemoryGiB(spec.BladeType, spec.Hosts);
        if (spec.MemoryGiB is { } memory && (memory < minimum || memory > maximum))
        {
            yield return new("spec.memoryGiB", "C4",
                $"the memory reservation of {spec.Hosts} {ApiNames.Of(spec.BladeType)} host(s) must be between {minimum} GiB (hosts × 128) and {maximum} GiB (hosts × {PlatformCatalog.Blade(spec.BladeType).MemoryGiB}); {memory} GiB was asked");
        }

        if (old is not null && spec.HypervisorBuild != old.Spec.HypervisorBuild && spec.HypervisorBuild is not null && spec.Hosts < PlatformCatalog.HighAvailabilityMinimumHosts)
        {
            yield return new("spec.hypervisorBuild", "C8",
                $"a hypervisor update rolls the hosts one at a time and needs at least 2 hosts; this Cpool has {spec.Hosts}");
        }

        foreach (var contradiction in Contradictions(spec.AffinityRules))
        {
            yield return contradiction;
        }
    }

    /// <summary>The most contradictions of affinity rules reported one by one; the others are counted.</summary>
    internal const int ReportedContradictions = 10;

    // C9: an enabled Affinity rule and an enabled AntiAffinity rule that share two VMs contradict
    // each other. Instead of comparing every pair of rules, each VM is indexed to the Affinity rules
    // that cover it; then each AntiAffinity rule walks its own VMs and meets every Affinity rule that
    // shares one of them once, until one shares a second: its contradiction. The work is one step per
    // VM named plus one per pair of rules that share a VM — linear when VMs are in few rules, as in
    // real clusters, and bounded by the schema's 1,000 rules otherwise (500 × 500 pairs at worst).
    private static IEnumerable<Violation> Contradictions(IReadOnlyList<AffinityRule> rules)
    {
        var joining = new AffinityIndex(rules.Where(r => r is { Enabled: true, Type: AffinityType.Affinity }));
        var found = 0;
        var met = new Dictionary<AffinityRule, string>(ReferenceEqualityComparer.Instance);
        foreach (var apart in rules.Where(r => r is { Enabled: true, Type: AffinityType.AntiAffinity }))
        {
            var contradicting = joining.FirstMetTwice(apart, met);
            if (contradicting is not null && ++found <= ReportedContradictions)
            {
                // Named by the two first VMs the rules share, whatever the order they are listed in.
                var shared = contradicting.VirtualMachines.Intersect(apart.VirtualMachines, StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(2).ToList();
                yield return new("spec.affinityRules", "C9",
                    $"rules '{contradicting.Name}' (Affinity) and '{apart.Name}' (AntiAffinity) both join and separate {shared[0]} and {shared[1]}: they contradict each other");
            }
        }

        if (found > ReportedContradictions)
        {
            yield return new("spec.affinityRules", "C9",
                $"{found - ReportedContradictions} more AntiAffinity rules contradict an Affinity rule; the first {ReportedContradictions} are named above");
        }
    }

    // Each VM → the Affinity rules that cover it, as chains in one array (no list per VM).
    private sealed class AffinityIndex
    {
        private readonly Dictionary<string, int> _last = new(StringComparer.Ordinal);
        private readonly List<(AffinityRule Rule, int Previous)> _entries = [];

        public AffinityIndex(IEnumerable<AffinityRule> together)
        {
            foreach (var rule in together)
            {
                foreach (var vm in rule.VirtualMachines)
                {
                    _entries.Add((rule, _last.GetValueOrDefault(vm, -1)));
                    _last[vm] = _entries.Count - 1;
                }
            }
        }

        // The first Affinity rule met through two different VMs of the AntiAffinity rule (a VM
        // listed twice, in either rule, is one VM).
        public AffinityRule? FirstMetTwice(AffinityRule apart, Dictionary<AffinityRule, string> met)
        {
            met.Clear();
            foreach (var vm in apart.VirtualMachines)
            {
                for (var i = _last.GetValueOrDefault(vm, -1); i >= 0; i = _entries[i].Previous)
                {
                    var together = _entries[i].Rule;
                    if (!met.TryAdd(together, vm) && !string.Equals(met[together], vm, StringComparison.Ordinal))
                    {
                        return together;
                    }
                }
            }

            return null;
        }
    }

    private static IEnumerable<Violation> VolumeRules(BlockVolume volume, BlockVolume? old)
    {
        var spec = volume.Spec;
        if (old is not null)
        {
            if (spec.SizeGiB < old.Spec.SizeGiB)
            {
                yield return new("spec.sizeGiB", "B8", $"a volume can grow, never shrink: it has {old.Spec.SizeGiB} GiB, {spec.SizeGiB} GiB was asked");
            }

            if (PlatformCatalog.StorageClassOf(spec.StorageClass).IsFlash != PlatformCatalog.StorageClassOf(old.Spec.StorageClass).IsFlash)
            {
                yield return new("spec.storageClass", "B8",
                    $"a volume cannot move between a flash class and mass storage in place ({ApiNames.Of(old.Spec.StorageClass)} to {ApiNames.Of(spec.StorageClass)}): create another volume");
            }
        }

        if (spec.Replication is { } replication)
        {
            if (!PlatformCatalog.StorageClassOf(spec.StorageClass).GlobalMirror)
            {
                yield return new("spec.replication", "B11",
                    $"Global Mirror replication is only available for the essential, standard and premium classes, not {ApiNames.Of(spec.StorageClass)}");
            }

            if (replication.TargetAvailabilityZone == spec.AvailabilityZone)
            {
                yield return new("spec.replication.targetAvailabilityZone", "B12",
                    $"the replica must be in another zone than the volume ({spec.AvailabilityZone})");
            }
        }
    }

    private static async Task<IEnumerable<Violation>> VolumeReferencesAsync(BlockVolume volume, string ns, INamespaceView view, CancellationToken cancellationToken)
    {
        var violations = new List<Violation>();
        var spec = volume.Spec;
        for (var i = 0; i < spec.CpoolRefs.Count; i++)
        {
            var cpool = await view.FindAsync<Cpool>(ns, spec.CpoolRefs[i].Name, cancellationToken).ConfigureAwait(false);
            if (cpool is not null && cpool.Spec.AvailabilityZone != spec.AvailabilityZone)
            {
                violations.Add(new($"spec.cpoolRefs[{i}]", "B6",
                    $"Cpool '{cpool.Metadata.Name}' is in {cpool.Spec.AvailabilityZone}; a datastore is mounted by Cpools of its own zone ({spec.AvailabilityZone})"));
            }
        }

        if (spec.Replication is { } replication)
        {
            var standby = await view.FindAsync<Cpool>(ns, replication.StandbyCpoolRef.Name, cancellationToken).ConfigureAwait(false);
            if (standby is not null && standby.Spec.AvailabilityZone != replication.TargetAvailabilityZone)
            {
                violations.Add(new("spec.replication.standbyCpoolRef", "B14",
                    $"the standby Cpool '{standby.Metadata.Name}' is in {standby.Spec.AvailabilityZone}, not in the target zone {replication.TargetAvailabilityZone}"));
            }
        }

        return violations;
    }

    private static IEnumerable<Violation> BackupRules(BackupPolicy policy)
    {
        var retention = policy.Spec.Retention;
        if (retention.Days <= 0 && retention.Weeks <= 0 && retention.Months <= 0 && retention.Years <= 0)
        {
            yield return new("spec.retention", "K2", "at least one of days, weeks, months or years must be above 0: a policy must keep its backups");
        }
    }

    private static async Task<IEnumerable<Violation>> SharingRulesAsync(Vlan vlan, ITenantDirectory tenants, CancellationToken cancellationToken)
    {
        var tenantsOfOrganization = await tenants.OrganizationTenantsAsync(vlan, cancellationToken).ConfigureAwait(false);
        if (tenantsOfOrganization is null)
        {
            return [];
        }

        var organization = tenantsOfOrganization.ToHashSet(StringComparer.Ordinal);
        return vlan.Spec.SharedWithTenants
            .Select((tenant, index) => (tenant, index))
            .Where(t => !organization.Contains(t.tenant))
            .Select(t => new Violation($"spec.sharedWithTenants[{t.index}]", "N3",
                $"tenant {t.tenant} is not in this tenant's organization: a VLAN is shared only with tenants of the same organization"))
            .ToList();
    }

    private static async Task<IEnumerable<Violation>> ReplicationRulesAsync(VmReplication replication, string ns, INamespaceView view, CancellationToken cancellationToken)
    {
        var violations = new List<Violation>();
        var spec = replication.Spec;
        var encrypting = (await view.ListAsync<HsmKeyProvider>(ns, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(p => p.Spec.EncryptedVirtualMachines.Contains(spec.VirtualMachine, StringComparer.Ordinal));
        if (encrypting is not null)
        {
            violations.Add(new("spec.virtualMachine", "X1",
                $"VM '{spec.VirtualMachine}' is encrypted by HsmKeyProvider '{encrypting.Metadata.Name}': a VM cannot be both HSM-encrypted and replicated"));
        }

        var cpool = await view.FindAsync<Cpool>(ns, spec.TargetCpoolRef.Name, cancellationToken).ConfigureAwait(false);
        var volume = await view.FindAsync<BlockVolume>(ns, spec.TargetBlockVolumeRef.Name, cancellationToken).ConfigureAwait(false);
        if (cpool is not null && volume is not null && cpool.Spec.AvailabilityZone != volume.Spec.AvailabilityZone)
        {
            violations.Add(new("spec.targetBlockVolumeRef", "V3",
                $"the target volume '{volume.Metadata.Name}' is in {volume.Spec.AvailabilityZone} and the target Cpool '{cpool.Metadata.Name}' in {cpool.Spec.AvailabilityZone}: the standby site is one zone"));
        }

        return violations;
    }

    private static async Task<IEnumerable<Violation>> KeyProviderRulesAsync(HsmKeyProvider provider, string ns, INamespaceView view, CancellationToken cancellationToken)
    {
        var encrypted = provider.Spec.EncryptedVirtualMachines.ToHashSet(StringComparer.Ordinal);
        var replicated = (await view.ListAsync<VmReplication>(ns, cancellationToken).ConfigureAwait(false))
            .Where(r => encrypted.Contains(r.Spec.VirtualMachine))
            .Select(r => new Violation("spec.encryptedVirtualMachines", "X1",
                $"VM '{r.Spec.VirtualMachine}' is replicated by VmReplication '{r.Metadata.Name}': a VM cannot be both HSM-encrypted and replicated"));
        return replicated.ToList();
    }

    // Once an object is bound to a platform resource — spec.externalId set, or the operator has
    // recorded one in status.externalId — it cannot be re-pointed at another one: that would
    // silently swap the resource the object manages (and deletes). An object without one may get
    // it once, e.g. to adopt what a manual order made; writing the id it already has is no change.
    private static IEnumerable<Violation> ExternalIdRules(ICustomResource current, ICustomResource old)
    {
        var (before, after) = (old.CommonSpec.ExternalId, current.CommonSpec.ExternalId);
        var bound = old.CommonStatus.ExternalId;
        if (before is not null && !string.Equals(before, after, StringComparison.Ordinal))
        {
            yield return new("spec.externalId", "immutable",
                $"the object is bound to platform resource '{before}'; it cannot change to {Show(after)}: create another object to manage another resource");
        }
        else if (before is null && bound is not null && after is not null && !string.Equals(bound, after, StringComparison.Ordinal))
        {
            yield return new("spec.externalId", "immutable",
                $"the object already manages platform resource '{bound}' (status.externalId); it cannot be re-pointed to '{after}': create another object to adopt it");
        }
    }

    // Fields marked [Immutable], at any depth of the spec, keep the value they were created with.
    private static IEnumerable<Violation> Immutable(object? old, object? current, string path)
    {
        if (old is null || current is null)
        {
            yield break;
        }

        foreach (var property in current.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var field = $"{path}.{char.ToLowerInvariant(property.Name[0])}{property.Name[1..]}";
            var (before, after) = (property.GetValue(old), property.GetValue(current));
            if (property.IsDefined(typeof(ImmutableAttribute)))
            {
                if (!Equals(before, after))
                {
                    yield return new(field, Rule(property), $"the field is immutable: it was {Show(before)}, {Show(after)} was asked; create another object instead");
                }
            }
            else if (after is not null && property.PropertyType.IsClass && property.PropertyType != typeof(string) && after is not IEnumerable)
            {
                foreach (var nested in Immutable(before, after, field))
                {
                    yield return nested;
                }
            }
        }
    }

    // Enum values the schema leaves out (e.g. Sync replication, B10) may still arrive through an old CRD.
    private static IEnumerable<Violation> RefusedValues(object? spec, string path)
    {
        if (spec is null)
        {
            yield break;
        }

        foreach (var property in spec.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var field = $"{path}.{char.ToLowerInvariant(property.Name[0])}{property.Name[1..]}";
            var value = property.GetValue(spec);
            if (value is Enum e && e.GetType().GetField(e.ToString())?.GetCustomAttribute<RefusedValueAttribute>() is { } refused)
            {
                yield return new(field, refused.Rule, refused.Reason);
            }
            else if (value is not null && property.PropertyType.IsClass && property.PropertyType != typeof(string) && value is not IEnumerable)
            {
                foreach (var nested in RefusedValues(value, field))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string Rule(PropertyInfo property) => property.Name switch
    {
        "BladeType" => "C2",
        "AvailabilityZone" when property.DeclaringType == typeof(CpoolSpec) => "C3",
        "TargetAvailabilityZone" => "B12",
        _ => "immutable",
    };

    private static string Show(object? value) => value switch
    {
        null => "unset",
        Enum e => ApiNames.Of(e),
        _ => value.ToString() ?? "unset",
    };
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Cpools;

/// <summary>The Cpool's warning conditions, from what the platform shows: HA (C5), memory pressure (C6), affinity rules (C9).</summary>
internal static class CpoolConditions
{
    // C5: fewer than 2 hosts, or HA off, means no HA restart and no 99.99 % SLA. A warning, never a refusal.
    public static void ReportHighAvailability(ConditionSet conditions, CpoolObservation observed)
    {
        if (observed.Hosts < PlatformCatalog.HighAvailabilityMinimumHosts || !observed.HighAvailabilityApplicable)
        {
            conditions.Set(CpoolKind.HighAvailability, ConditionStatus.False, "TooFewHosts",
                $"The Cpool has {observed.Hosts} host(s): no HA restart, the 99.99 % SLA does not apply (rule C5); at least {PlatformCatalog.HighAvailabilityMinimumHosts} hosts are needed.");
        }
        else if (observed.HighAvailability == false)
        {
            conditions.Set(CpoolKind.HighAvailability, ConditionStatus.False, "Disabled",
                "High availability is off (spec.highAvailability: false): no HA restart, the 99.99 % SLA does not apply (rule C5).");
        }
        else
        {
            var shown = observed.HighAvailability is null ? " (the platform's default: the platform does not show the setting)" : string.Empty;
            conditions.Set(CpoolKind.HighAvailability, ConditionStatus.True, "Active",
                $"vSphere HA restarts the VMs of a failed host on the other hosts ({observed.Hosts} hosts){shown}; the 99.99 % SLA applies.");
        }
    }

    // C6: average memory use per host above 85 % makes ESXi compress and balloon memory.
    public static void ReportMemoryPressure(ConditionSet conditions, CpoolObservation observed)
    {
        var percent = decimal.Round(observed.MemoryUsagePercent, 1);
        if (observed.MemoryPressure || observed.MemoryUsagePercent > PlatformCatalog.MemoryPressurePercent)
        {
            conditions.Set(CpoolKind.MemoryPressure, ConditionStatus.True, "AboveThreshold",
                FormattableString.Invariant($"Average memory use per host is {percent} %, above {PlatformCatalog.MemoryPressurePercent} %: ESXi compresses and balloons memory (rule C6); add hosts or memory, or move VMs."));
        }
        else
        {
            conditions.Set(CpoolKind.MemoryPressure, ConditionStatus.False, "BelowThreshold",
                FormattableString.Invariant($"Average memory use per host is {percent} %, at most {PlatformCatalog.MemoryPressurePercent} %."));
        }
    }

    // C9: an enabled anti-affinity rule needs one host per VM it covers.
    public static void ReportAffinityRules(ConditionSet conditions, CpoolObservation observed)
    {
        var unsatisfiable = (observed.AffinityRules ?? [])
            .Where(r => r.Enabled && r.Type == AffinityType.AntiAffinity && r.VirtualMachines.Count > observed.Hosts)
            .Select(r => $"anti-affinity rule '{r.Name}' keeps {r.VirtualMachines.Count} VMs on different hosts")
            .ToList();
        if (unsatisfiable.Count > 0)
        {
            conditions.Set(CpoolKind.AffinityRulesSatisfiable, ConditionStatus.False, "MoreVirtualMachinesThanHosts",
                $"The Cpool has {observed.Hosts} host(s), but {BoundedText.List(unsatisfiable, "; ")} (rule C9): add hosts or split the rule.");
        }
        else
        {
            conditions.Set(CpoolKind.AffinityRulesSatisfiable, ConditionStatus.True, "Satisfiable",
                $"Every enabled anti-affinity rule covers at most as many VMs as the Cpool has hosts ({observed.Hosts}).");
        }
    }
}

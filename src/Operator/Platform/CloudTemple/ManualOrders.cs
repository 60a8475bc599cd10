using System.Globalization;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// What the tenant must order, or ask support for, in the console for each write the public API
/// lacks (cloud-temple-api.md, "What no public API does"), with the SKUs and quantities of the
/// catalog. Each method returns the exception to throw; nothing is ever sent for these.
/// </summary>
internal static class ManualOrders
{
    private const string Adopt = "set spec.externalId to its id so that the operator adopts it";
    private const string SeenByItself = "the operator sees the change by itself";
    private const string GoneByItself = "the object is removed once the resource is gone";

    public static ManualOrderRequiredException CreateCpool(CpoolSpecification s)
    {
        var blade = PlatformCatalog.Blade(s.BladeType);
        var memory = s.MemoryGiB ?? PlatformCatalog.MinimumMemoryGiB(s.Hosts);
        var rules = s.AffinityRules is { Count: > 0 } r ? $", {r.Count} affinity rule(s): {string.Join(", ", r.Select(x => x.Name))}" : string.Empty;
        return new("create host clusters",
            new ManualOrder(
                $"order a Cpool '{s.Name}' (VMware cluster of {ApiNames.Of(s.BladeType)} blades)",
                s.Zone,
                [new BillingItem(blade.Sku, s.Hosts, BillingUnit.Host)],
                $"{s.Hosts} host(s), memory reservation {memory} GiB, high availability {(s.HighAvailability ? "on" : "off")}{rules}",
                $"{Adopt} (its host cluster id)"));
    }

    public static ManualOrderRequiredException ChangeCpool(string cpoolId, Zone? zone, int hosts, long memoryGiB, CpoolSpecification s)
    {
        var blade = PlatformCatalog.Blade(s.BladeType);
        var changes = new List<string>();
        if (s.Hosts != hosts)
        {
            changes.Add($"hosts {hosts} → {s.Hosts}");
        }

        var memory = s.MemoryGiB ?? PlatformCatalog.MinimumMemoryGiB(s.Hosts);
        if (memory != memoryGiB)
        {
            changes.Add($"memory reservation {memoryGiB} → {memory} GiB");
        }

        if (!s.HighAvailability)
        {
            changes.Add("high availability off (the API neither shows nor changes it)");
        }

        if (s.AffinityRules is { Count: > 0 } rules)
        {
            changes.Add($"affinity rules {string.Join(", ", rules.Select(r => $"'{r.Name}'"))} (the API neither shows nor changes them)");
        }

        var added = s.Hosts - hosts;
        return new("resize host clusters or change their settings",
            new ManualOrder(
                $"ask for Cpool {cpoolId} to change: {string.Join("; ", changes)}",
                zone,
                added > 0 ? [new BillingItem(blade.Sku, added, BillingUnit.Host)] : [],
                added < 0 ? $"{-added} host(s) of {ApiNames.Of(s.BladeType)} blades fewer" : null,
                SeenByItself));
    }

    public static ManualOrderRequiredException UpdateHypervisor(string cpoolId, string build) =>
        new("update hypervisors",
            new ManualOrder($"ask support to roll the hosts of Cpool {cpoolId} to ESXi build {build}, one host at a time", null, [], null, SeenByItself));

    public static ManualOrderRequiredException DeleteCpool(string cpoolId) =>
        new("delete host clusters",
            new ManualOrder($"ask for the deletion of host cluster {cpoolId} and the release of its hosts", null, [], null, GoneByItself));

    public static ManualOrderRequiredException CreateVolume(VolumeSpecification s) =>
        new("create datastores or LUNs",
            new ManualOrder(
                $"order a block volume '{s.Name}' (SAN LUN of class {ApiNames.Of(s.StorageClass)}, {s.SizeGiB.ToString(CultureInfo.InvariantCulture)} GiB)",
                s.Zone,
                [StorageLine(s.StorageClass, s.SizeGiB)],
                PlatformCatalog.IopsLimit(s.StorageClass, s.SizeGiB) is { } iops ? $"IOPS limit {iops.ToString(CultureInfo.InvariantCulture)}" : null,
                $"{Adopt} (its datastore id)"));

    public static ManualOrderRequiredException ResizeVolume(string volumeId, long sizeGiB, StorageClass storageClass, long wantedGiB) =>
        new("resize LUNs or change their class",
            new ManualOrder(
                $"ask for block volume {volumeId} to become {ApiNames.Of(storageClass)}, {wantedGiB.ToString(CultureInfo.InvariantCulture)} GiB (now {sizeGiB.ToString(CultureInfo.InvariantCulture)} GiB)",
                null,
                wantedGiB > sizeGiB ? [StorageLine(storageClass, wantedGiB - sizeGiB)] : [],
                null,
                SeenByItself));

    public static ManualOrderRequiredException Mount(string volumeId, string cpoolId, bool mount) =>
        new("present datastores to clusters",
            new ManualOrder(
                mount ? $"ask for block volume {volumeId} to be presented to Cpool {cpoolId}" : $"ask for block volume {volumeId} to be removed from Cpool {cpoolId}",
                null, [], null, SeenByItself));

    public static ManualOrderRequiredException GlobalMirror(string volumeId, GlobalMirrorSpecification s, long sizeGiB) =>
        new("set up SAN replication (Global Mirror)",
            new ManualOrder(
                $"order Global Mirror ({s.Mode}) of block volume {volumeId} to {s.TargetZone}, presented to standby Cpool {s.StandbyCpoolId}",
                s.TargetZone,
                [new BillingItem(PlatformCatalog.GlobalMirrorLicenceSku, PlatformCatalog.ToTiB(sizeGiB), BillingUnit.TiB)],
                $"plus a {sizeGiB.ToString(CultureInfo.InvariantCulture)} GiB replica in the volume's class",
                SeenByItself));

    public static ManualOrderRequiredException Failover(string volumeId) =>
        new("fail SAN replication over",
            new ManualOrder($"ask the provider to fail block volume {volumeId} over to its replica", null, [], null, SeenByItself));

    public static ManualOrderRequiredException DeleteVolume(string volumeId) =>
        new("delete datastores or LUNs",
            new ManualOrder($"ask for the deletion of block volume {volumeId}", null, [], null, GoneByItself));

    public static ManualOrderRequiredException CreateVlan(VlanSpecification s) =>
        new("create VLANs",
            new ManualOrder(
                $"order a VLAN '{s.Name}' over {string.Join(", ", s.Zones)} on Cpool(s) {List(s.CpoolIds)}{Shared(s.SharedWithTenantIds)}",
                s.Zones.Count == 1 ? s.Zones[0] : null,
                [],
                "the platform chooses the 802.1Q id",
                $"{Adopt} (its network id)"));

    public static ManualOrderRequiredException ChangeVlan(string vlanId, VlanSpecification s) =>
        new("change VLANs",
            new ManualOrder($"ask for network {vlanId} to span {string.Join(", ", s.Zones)} on Cpool(s) {List(s.CpoolIds)}{Shared(s.SharedWithTenantIds)}", null, [], null, SeenByItself));

    public static ManualOrderRequiredException DeleteVlan(string vlanId) =>
        new("delete networks (no API can yet)",
            new ManualOrder($"ask for the deletion of network {vlanId}", null, [], null, GoneByItself));

    public static ManualOrderRequiredException RequestBackupPolicy(BackupPolicyRequestSpecification s)
    {
        var r = s.Retention;
        return new("create backup policies",
            new ManualOrder(
                $"open a support request for backup policy '{s.PolicyName}' of organization '{s.OrganizationName}', tenant '{s.TenantName}' (contact {s.ContactName}, {s.ContactEmail}, {s.ContactPhone})",
                null,
                [new BillingItem(PlatformCatalog.BackupVmSku, 1, BillingUnit.VM)],
                $"retention {r.Days} day(s), {r.Weeks} week(s), {r.Months} month(s), {r.Years} year(s); billed per VM it covers",
                $"{Adopt} (the SLA policy id)"));
    }

    public static ManualOrderRequiredException ExcludeDisks(string policyId, BackupAssignmentSpecification a) =>
        new("leave disks out of a backup",
            new ManualOrder(
                $"assign SLA policy {policyId} to VM '{a.VirtualMachine}' without disk(s) {string.Join(", ", a.ExcludedDisks)}",
                null,
                [new BillingItem(PlatformCatalog.BackupVmSku, 1, BillingUnit.VM)],
                null,
                SeenByItself));

    public static ManualOrderRequiredException Unassign(string policyId, string virtualMachine) =>
        new("take a VM out of an SLA policy",
            new ManualOrder($"remove SLA policy {policyId} from VM '{virtualMachine}' (a VM needs at least one policy to be powered on)", null, [], null, SeenByItself));

    public static ManualOrderRequiredException DeleteBackupPolicy(string policyId) =>
        new("delete backup policies",
            new ManualOrder($"open a support request for the deletion of SLA policy {policyId}", null, [], null, GoneByItself));

    public static ManualOrderRequiredException CreateReplication(VmReplicationSpecification s) =>
        new("set up VMware VM replication",
            new ManualOrder(
                $"open a support request to replicate VM '{s.VirtualMachine}' to Cpool {s.TargetCpoolId} on block volume {s.TargetVolumeId} with an RPO of {s.RpoHours} h",
                null,
                [new BillingItem(PlatformCatalog.VmReplicationSku, 1, BillingUnit.VM)],
                null,
                "set spec.externalId to the replication's id once the provider gives it"));

    public static ManualOrderRequiredException ReplicationAction(string replicationId, string action) =>
        new($"{action} VM replications",
            new ManualOrder($"ask the provider to {action} replication {replicationId}", null, [], null, SeenByItself));

    public static ManualOrderRequiredException CreateKeyProvider(string name) =>
        new("create HSM key providers",
            new ManualOrder($"open a support request for an HSM-backed key provider '{name}' (KMIP)", null, [], "VM encryption is billed per VM", "set spec.externalId to the provider's id once the provider gives it"));

    public static ManualOrderRequiredException KeyProviderAction(string action, string providerId, string? virtualMachine, bool billed) =>
        new($"{action} with HSM key providers",
            new ManualOrder(
                virtualMachine is null ? $"ask to {action} key provider {providerId}" : $"{action} VM '{virtualMachine}' with key provider {providerId} in the console",
                null,
                billed ? [new BillingItem(PlatformCatalog.HsmEncryptionSku, 1, BillingUnit.VM)] : [],
                null,
                SeenByItself));

    /// <summary>A kind the console API cannot read at all: observing or adopting it cannot work.</summary>
    public static ManualOrderRequiredException CannotRead(string what, string id) =>
        new($"The Cloud Temple console API cannot read {what}; nothing was sent. Check {id} in the console; the operator cannot observe or adopt it.");

    private static BillingItem StorageLine(StorageClass storageClass, long sizeGiB)
    {
        var info = PlatformCatalog.StorageClassOf(storageClass);
        return new BillingItem(info.Sku, info.BillingUnit == BillingUnit.TiB ? PlatformCatalog.ToTiB(sizeGiB) : sizeGiB, info.BillingUnit);
    }

    private static string List(IReadOnlyList<string> ids) => ids.Count == 0 ? "(none)" : string.Join(", ", ids);

    private static string Shared(IReadOnlyList<string> tenants) => tenants.Count == 0 ? string.Empty : $", shared with tenant(s) {string.Join(", ", tenants)}";
}

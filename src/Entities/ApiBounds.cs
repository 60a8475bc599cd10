using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Entities;

/// <summary>
/// How much one object may hold, in one place: the most items of each list and the longest
/// strings of the six kinds, specs and statuses alike. The CRD schema carries them (maxItems,
/// maxLength), so the API server refuses an oversized object before the webhook or a reconciler
/// reads it, and the work of checking any object stays bounded. A bound is the platform's own
/// limit where one exists (vSphere configuration maximums, the region's zones), else a ceiling
/// far above real use. The platform's numeric limits (hosts, sizes, memory) are in
/// <see cref="PlatformCatalog"/>.
/// </summary>
public static class ApiBounds
{
    /// <summary>
    /// Affinity rules per Cpool (C9). DRS publishes no limit; a thousand rules is far above any
    /// real cluster and keeps the contradiction check of the webhook bounded.
    /// </summary>
    public const int AffinityRulesPerCpool = 1000;

    /// <summary>
    /// VMs per affinity rule (C9): an Affinity rule keeps its VMs on one host, and a vSphere 8 host
    /// runs at most 1,024 VMs; an AntiAffinity rule over more VMs than hosts is reported, not refused.
    /// </summary>
    public const int VirtualMachinesPerAffinityRule = 1024;

    /// <summary>
    /// Cpools a BlockVolume, a Vlan or an HsmKeyProvider refers to: vSphere mounts a VMFS datastore
    /// on at most 64 hosts, so at most 64 Cpools of one host or more (B6); VLANs and key providers
    /// share the bound (64 Cpools are up to 2,048 hosts, most of a vCenter).
    /// </summary>
    public const int CpoolRefs = 64;

    /// <summary>Zones of a list in a spec: region FR1 has three (G1, H2), and a zone appears once.</summary>
    public const int Zones = 3;

    /// <summary>Zones the platform reports in a status: room for the region to grow before the API's zone enum does.</summary>
    public const int ObservedZones = 16;

    /// <summary>Other tenants of the organization a VLAN is shared with (N3).</summary>
    public const int SharedWithTenants = 256;

    /// <summary>Tenants a VLAN is propagated to, as the platform reports them: the shared ones and the owner.</summary>
    public const int VlanTenants = SharedWithTenants + 1;

    /// <summary>VMs of a BackupPolicy or an HsmKeyProvider, in the spec and in the status (K3, H4).</summary>
    public const int VirtualMachinesPerObject = 1000;

    /// <summary>Disks excluded from the backup of one VM (K3): a vSphere 8 VM has at most 256 virtual disks (4 PVSCSI controllers × 64).</summary>
    public const int ExcludedDisksPerVirtualMachine = 256;

    /// <summary>Conditions of an object: the kinds set at most nine condition types; the rest is room.</summary>
    public const int Conditions = 32;

    /// <summary>Billing lines of an object, one per SKU (X3): an object consumes at most three SKUs; the rest is room.</summary>
    public const int BillingLines = 32;

    /// <summary>The reasons a VM is not encrypted (H4): one per <see cref="EncryptionBlocker"/>.</summary>
    public const int EncryptionBlockers = 6;

    /// <summary>Days of backup retention (K2): a century.</summary>
    public const int RetentionDays = 36500;

    /// <summary>Weeks of backup retention (K2): a century.</summary>
    public const int RetentionWeeks = 5200;

    /// <summary>Months of backup retention (K2): a century.</summary>
    public const int RetentionMonths = 1200;

    /// <summary>Years of backup retention (K2): a century.</summary>
    public const int RetentionYears = 100;

    /// <summary>The quantity of a billing line (X3), in any unit: 1 PiB counted in GiB, above any real line.</summary>
    public const int BillingQuantity = PlatformCatalog.MaximumObservedCapacityGiB;

    /// <summary>Names of Kubernetes objects and platform ids: a DNS subdomain's 253 characters.</summary>
    public const int NameLength = 253;

    /// <summary>
    /// A Kubernetes object name (a DNS-1123 subdomain): lowercase letters, digits, '-' and '.',
    /// starting and ending with a letter or a digit; <see cref="NameLength"/> bounds its length.
    /// </summary>
    public const string ObjectNamePattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    /// <summary><see cref="ObjectNamePattern"/> in words, for a refusal.</summary>
    public const string ObjectName = "a Kubernetes object name (lowercase letters, digits, '-' and '.', starting and ending with a letter or a digit, at most 253 characters)";

    /// <summary>VM names (and names of affinity rules): vSphere's 80 characters.</summary>
    public const int VirtualMachineNameLength = 80;

    /// <summary>Names of VM disks, e.g. "Hard disk 2" (vSphere's 80 characters).</summary>
    public const int DiskNameLength = 80;

    /// <summary>Short free text: organization, tenant and contact names; what the platform reports (builds, zones, encryption).</summary>
    public const int TextLength = 256;

    /// <summary>An e-mail address: RFC 5321's 254 characters.</summary>
    public const int EmailLength = 254;

    /// <summary>A message for people, as metav1.Condition bounds its message.</summary>
    public const int MessageLength = 32768;

    /// <summary>
    /// The largest count that a JSON number carries exactly (2^53 − 1): the bound of generations,
    /// far above any real one.
    /// </summary>
    public const long MaximumExactInteger = 9_007_199_254_740_991;
}

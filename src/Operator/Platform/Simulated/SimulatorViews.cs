using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Platform.Simulated;

// The simulator's provisioning views (the public API's answers are in CloudTemple/ConsoleViews.cs).
// Only the fields used are declared.

internal sealed record BillingView(string Sku, decimal Quantity, BillingUnit Unit);

internal sealed record EsxiHostView(string Id, string EsxiBuild);

internal sealed record AffinityRuleView(string Name, AffinityType Type, bool Enabled, IReadOnlyList<string> VirtualMachines);

internal sealed record HypervisorUpdateView(string OperationId, string TargetBuild, int HostsDone, int HostsTotal);

internal sealed record CpoolUsageView(decimal AverageUsePercent, int VirtualMachines, bool MemoryPressure);

internal sealed record CpoolView(
    string Id,
    string Name,
    Zone Zone,
    BladeType BladeType,
    IReadOnlyList<EsxiHostView> Hosts,
    int MemoryGiB,
    int MemoryMinGiB,
    int MemoryMaxGiB,
    int Gpus,
    bool HighAvailability,
    bool HighAvailabilityApplicable,
    string? HypervisorBuild,
    HypervisorUpdateView? Update,
    IReadOnlyList<AffinityRuleView>? AffinityRules,
    ResourceState State,
    CpoolUsageView? Usage,
    IReadOnlyList<BillingView>? Billing);

internal sealed record GlobalMirrorView(Zone TargetZone, string StandbyCpoolId, string ReplicaVolumeId, MirrorState State, DateTimeOffset? LastSyncTime);

internal sealed record VolumeUsageView(long CapacityGiB, long UsedGiB, long FreeGiB, decimal RequiredHeadroomGiB, bool HeadroomSufficient);

internal sealed record VolumeView(
    string Id,
    string Name,
    Zone Zone,
    StorageClass StorageClass,
    long SizeGiB,
    long? IopsLimit,
    string Encryption,
    IReadOnlyList<string>? CpoolIds,
    GlobalMirrorView? Replication,
    string? ReplicaOf,
    ResourceState State,
    VolumeUsageView? Usage,
    IReadOnlyList<BillingView>? Billing);

internal sealed record VlanView(
    string Id,
    string Name,
    string TenantId,
    int Dot1QId,
    IReadOnlyList<Zone> Zones,
    IReadOnlyList<string>? CpoolIds,
    IReadOnlyList<string>? SharedWithTenantIds,
    ResourceState State,
    IReadOnlyList<BillingView>? Billing);

internal sealed record BackupAssignmentView(string VirtualMachine, IReadOnlyList<string>? ExcludedDisks, Zone BackupZone);

internal sealed record BackupPolicyView(
    string Id,
    string Name,
    BackupPolicyPhase Phase,
    string? RefusalReason,
    IReadOnlyList<BackupAssignmentView>? Assignments,
    string Encryption,
    bool Immutable,
    IReadOnlyList<BillingView>? Billing);

internal sealed record VmReplicationView(
    string Id,
    string VirtualMachine,
    Zone SourceZone,
    string TargetCpoolId,
    string TargetVolumeId,
    Zone TargetZone,
    int RpoHours,
    ResourceState State,
    VmReplicationPhase Phase,
    DateTimeOffset? LastSyncTime,
    IReadOnlyList<BillingView>? Billing);

internal sealed record KeyProviderView(
    string Id,
    string Name,
    IReadOnlyList<string>? ActiveCpoolIds,
    ResourceState State,
    string KmipEndpoint,
    string Hsm,
    string Kms,
    IReadOnlyList<Zone> Zones,
    IReadOnlyList<BillingView>? Billing);

internal sealed record EncryptionReportView(string VirtualMachine, EncryptionState State, IReadOnlyList<EncryptionBlocker>? Blockers);

internal sealed record DiskView(string Name, long SizeGiB);

internal sealed record VirtualMachineView(
    string Id,
    string Name,
    string CpoolId,
    string DatastoreId,
    Zone Zone,
    string PowerState,
    int MemoryGiB,
    IReadOnlyList<DiskView>? Disks,
    int SnapshotCount,
    string? EncryptionProviderId);

internal static class Views
{
    public static IReadOnlyList<BillingItem> Billing(IReadOnlyList<BillingView>? lines) =>
        lines is null ? [] : [.. lines.Select(l => new BillingItem(l.Sku, l.Quantity, l.Unit))];
}

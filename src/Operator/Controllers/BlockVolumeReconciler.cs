using System.Globalization;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// BlockVolume: a dedicated SAN LUN used as a datastore. Created with its zone, class and size, then
/// brought in line one platform operation per pass: class and size (grow only, B8), mounts on the
/// Cpools of cpoolRefs (B6), Global Mirror to the standby zone (B10–B12) and its failover (B14).
/// The IOPS limit (B2) and encryption (B4) are reported; Replicating and Headroom (B7) are warning
/// conditions: Ready stays True when the platform matches the spec.
/// </summary>
public sealed class BlockVolumeReconciler(IPlatformConnections connections, CredentialsResolver credentials, INamespaceView view, ReconcilerOptions? options = null)
    : PlatformReconciler<BlockVolume, VolumeObservation>(connections, credentials, view, options)
{
    /// <summary>Condition type saying how the Global Mirror stands.</summary>
    public const string Replicating = "Replicating";

    /// <summary>Condition type of rule B7.</summary>
    public const string Headroom = "Headroom";

    private readonly INamespaceView _view = view;

    protected override string? CannotChangeInPlace(BlockVolume entity, VolumeObservation observed)
    {
        var spec = entity.Spec;
        if (observed.Zone is { } zone && spec.AvailabilityZone != zone)
        {
            return $"spec.availabilityZone is {spec.AvailabilityZone} but the volume lives in {zone}: a volume cannot move between zones; create another volume.";
        }

        if (observed.StorageClass is { } storageClass && PlatformCatalog.StorageClassOf(spec.StorageClass).IsFlash != PlatformCatalog.StorageClassOf(storageClass).IsFlash)
        {
            return $"spec.storageClass is {ApiNames.Of(spec.StorageClass)} but the volume is {ApiNames.Of(storageClass)}: flash and mass storage do not change into each other in place (rule B8); create another volume.";
        }

        return spec.SizeGiB < observed.SizeGiB
            ? $"spec.sizeGiB is {spec.SizeGiB} but the volume has {observed.SizeGiB} GiB: a volume can grow, never shrink (rule B8)."
            : null;
    }

    protected override string Noun => "block volume";

    protected override Task<VolumeObservation> GetAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Storage.GetVolumeAsync(id, cancellationToken);

    protected override Task<VolumeObservation?> FindByNameAsync(IPlatform platform, BlockVolume entity, CancellationToken cancellationToken) =>
        platform.Storage.FindVolumeByNameAsync(entity.Metadata.Name, cancellationToken);

    protected override string IdOf(VolumeObservation observation) => observation.Id;

    protected override bool IsBusy(VolumeObservation observation) => observation.State != ResourceState.Ready;

    protected override async Task<bool> ReferencesReadyAsync(ReconcileContext<BlockVolume> context, CancellationToken cancellationToken) =>
        await ReferencesAsync(context, cancellationToken).ConfigureAwait(false) is not null;

    protected override Task<PlatformOperation> CreateAsync(IPlatform platform, ReconcileContext<BlockVolume> context, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var spec = entity.Spec;
        return platform.Storage.CreateVolumeAsync(new VolumeSpecification(entity.Metadata.Name, spec.AvailabilityZone, spec.StorageClass, spec.SizeGiB), cancellationToken);
    }

    protected override async Task<PlatformOperation?> UpdateAsync(IPlatform platform, ReconcileContext<BlockVolume> context, VolumeObservation observed, CancellationToken cancellationToken)
    {
        var references = await ReferencesAsync(context, cancellationToken).ConfigureAwait(false);
        if (references is null)
        {
            return null;
        }

        var spec = context.Entity.Spec;
        var storage = platform.Storage;

        // One platform operation per pass, in this order: class and size, mounts, replication, failover.
        if ((observed.StorageClass is { } storageClass && spec.StorageClass != storageClass) || spec.SizeGiB != observed.SizeGiB)
        {
            return await storage.UpdateVolumeAsync(observed.Id, spec.StorageClass, spec.SizeGiB, cancellationToken).ConfigureAwait(false);
        }

        if (references.CpoolIds.FirstOrDefault(id => !observed.CpoolIds.Contains(id, StringComparer.Ordinal)) is { } mount)
        {
            return await storage.MountAsync(observed.Id, mount, cancellationToken).ConfigureAwait(false);
        }

        if (observed.CpoolIds.FirstOrDefault(id => !references.CpoolIds.Contains(id, StringComparer.Ordinal)) is { } unmount)
        {
            await RefuseToStrandVirtualMachinesAsync(platform, observed, unmount, cancellationToken).ConfigureAwait(false);
            return await storage.UnmountAsync(observed.Id, unmount, cancellationToken).ConfigureAwait(false);
        }

        if (spec.Replication is not { } replication || references.StandbyCpoolId is not { } standby)
        {
            return null;
        }

        if (observed.Replication is null)
        {
            return await storage.EnableGlobalMirrorAsync(observed.Id, new GlobalMirrorSpecification(replication.TargetAvailabilityZone, standby, replication.Mode), cancellationToken).ConfigureAwait(false);
        }

        if (replication.Failover && observed.Replication.State != MirrorState.FailedOver)
        {
            var operation = await storage.FailoverAsync(observed.Id, cancellationToken).ConfigureAwait(false);
            context.Events.Publish(warning: true, "Failover", "Failover",
                $"Failing block volume {observed.Id} over to its replica {observed.Replication.ReplicaVolumeId} in {observed.Replication.TargetZone} (platform activity {operation.ActivityId}).");
            return operation;
        }

        return null;
    }

    protected override Task<PlatformOperation> DeleteAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Storage.DeleteVolumeAsync(id, cancellationToken);

    protected override IReadOnlyList<string> NotShown(VolumeObservation observed) =>
        [
            .. observed.Zone is null ? ["spec.availabilityZone"] : Array.Empty<string>(),
            .. observed.StorageClass is null ? ["spec.storageClass"] : Array.Empty<string>(),
        ];

    protected override void Report(ReconcileContext<BlockVolume> context, VolumeObservation observed)
    {
        var status = context.Entity.Status!;
        status.CapacityGiB = observed.CapacityGiB;
        status.FreeGiB = observed.FreeGiB;
        status.IopsLimit = observed.IopsLimit;
        status.Encryption = observed.Encryption;
        status.Replication = observed.Replication is { } mirror
            ? new VolumeReplicationStatus { State = mirror.State.ToString(), TargetExternalId = mirror.ReplicaVolumeId, LastSyncTime = mirror.LastSyncTime?.UtcDateTime }
            : null;
        status.Billing = Billing(observed.Billing);

        ReportReplication(context, observed);
        ReportHeadroom(context.Conditions, observed);
    }

    protected override async Task<IReadOnlyList<string>> UsedByAsync(BlockVolume entity, CancellationToken cancellationToken)
    {
        var ns = entity.Metadata.NamespaceProperty ?? string.Empty;
        var name = entity.Metadata.Name;
        var replications = await _view.ListAsync<VmReplication>(ns, cancellationToken).ConfigureAwait(false);
        return [.. replications.Where(r => r.Spec.TargetBlockVolumeRef.Name == name).Select(r => $"VmReplication/{r.Metadata.Name}")];
    }

    // The platform ids of the Cpools that mount the volume and of the standby Cpool, or null while one
    // is missing or not Ready (the ReferencesReady condition then names it). One call, so that the
    // condition speaks for every reference at once.
    private async Task<References?> ReferencesAsync(ReconcileContext<BlockVolume> context, CancellationToken cancellationToken)
    {
        var spec = context.Entity.Spec;
        var names = spec.CpoolRefs.Select(r => r.Name).ToList();
        var mounts = names.Count;
        if (spec.Replication is { } replication)
        {
            names.Add(replication.StandbyCpoolRef.Name);
        }

        var ids = await ResolveReferencesAsync<Cpool>(context, names, cancellationToken).ConfigureAwait(false);
        return ids is null ? null : new References([.. ids.Take(mounts).Distinct(StringComparer.Ordinal)], ids.Count > mounts ? ids[mounts] : null);
    }

    // Unmounting a datastore under running VMs would cut them from their disks (B7 warns that a VM that
    // loses its storage can freeze or be corrupted): the operator refuses it, as the platform does not.
    private static async Task RefuseToStrandVirtualMachinesAsync(IPlatform platform, VolumeObservation observed, string cpoolId, CancellationToken cancellationToken)
    {
        var stranded = (await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false))
            .Where(vm => vm.DatastoreId == observed.Id && vm.CpoolId == cpoolId)
            .Select(vm => vm.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (stranded.Count > 0)
        {
            throw new PlatformRefusedException("B6",
                $"Block volume {observed.Id} is not unmounted from Cpool {cpoolId}: the disks of VM(s) {BoundedText.List(stranded)} on that Cpool are on it. Put the Cpool back in spec.cpoolRefs, or move the VMs first.");
        }
    }

    private static void ReportReplication(ReconcileContext<BlockVolume> context, VolumeObservation observed)
    {
        var conditions = context.Conditions;
        var wanted = context.Entity.Spec.Replication;
        switch (observed.Replication)
        {
            case null when wanted is null:
                conditions.Remove(Replicating);
                break;
            case null:
                conditions.Set(Replicating, ConditionStatus.False, "NotConfigured",
                    $"Global Mirror to {wanted!.TargetAvailabilityZone} is not set up on the platform yet.");
                break;
            case { State: MirrorState.Synchronizing } mirror:
                conditions.Set(Replicating, ConditionStatus.False, "Synchronizing",
                    $"The initial copy to replica {mirror.ReplicaVolumeId} in {mirror.TargetZone} is running (Global Mirror, RPO 15 min once consistent).");
                break;
            case { State: MirrorState.FailedOver } mirror:
                conditions.Set(Replicating, ConditionStatus.False, "FailedOver",
                    $"Replica {mirror.ReplicaVolumeId} in {mirror.TargetZone} has taken over and is presented to the standby Cpool {mirror.StandbyCpoolId} (rule B14).");
                break;
            case var mirror:
                var since = mirror.LastSyncTime is { } at ? $", last consistent at {at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}" : string.Empty;
                var unwanted = wanted is null ? " spec.replication is unset, but the operator does not stop a Global Mirror: ask the platform to remove it." : string.Empty;
                conditions.Set(Replicating, ConditionStatus.True, "Consistent",
                    $"Global Mirror to replica {mirror.ReplicaVolumeId} in {mirror.TargetZone} is consistent{since}; data is not encrypted during the transfer (rule B4).{unwanted}");
                break;
        }
    }

    // B7: free space must cover the .vswp files of the started VMs plus 10 % of the capacity for backup snapshots.
    private static void ReportHeadroom(ConditionSet conditions, VolumeObservation observed)
    {
        var snapshots = observed.SizeGiB * PlatformCatalog.SnapshotHeadroomFraction;
        var started = Math.Max(0m, observed.RequiredHeadroomGiB - snapshots);
        var figures = FormattableString.Invariant(
            $"{observed.FreeGiB} GiB free of {observed.CapacityGiB} GiB; needed {observed.RequiredHeadroomGiB:0.#} GiB: {started:0.#} GiB of memory of the started VMs (.vswp files) plus {snapshots:0.#} GiB (10 % of the capacity) for backup snapshots");
        if (observed.HeadroomSufficient)
        {
            conditions.Set(Headroom, ConditionStatus.True, "Sufficient", $"The datastore keeps its headroom (rule B7): {figures}.");
        }
        else
        {
            conditions.Set(Headroom, ConditionStatus.False, "Insufficient",
                $"The datastore lacks headroom (rule B7): {figures}. VMs may freeze or be corrupted: grow the volume or move VMs.");
        }
    }

    private sealed record References(IReadOnlyList<string> CpoolIds, string? StandbyCpoolId);
}

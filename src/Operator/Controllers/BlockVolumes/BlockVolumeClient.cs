using System.Runtime.CompilerServices;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.BlockVolumes;

/// <summary>
/// A block volume on a platform whose API can do everything (the simulated one): created with its
/// zone, class and size, then brought in line one write per pass, in this order: class and size (grow
/// only, B8), mounts on the Cpools of cpoolRefs, unmounts from the others (B6; never under running
/// VMs), Global Mirror to the standby zone (B10–B12) and its failover (B14); deleted.
/// </summary>
public class BlockVolumeClient(IPlatform platform, ReconcileContext<BlockVolume> context, ResolvedReferences references)
    : ExternalClient<BlockVolume, VolumeObservation>(context, references)
{
    protected IStorageDriver Storage { get; } = platform.Storage;

    protected IComputeDriver Compute { get; } = platform.Compute;

    public override async Task<Observation<VolumeObservation>?> ObserveAsync(string id, CancellationToken cancellationToken) =>
        Observe(await OrNullAsync(Storage.GetVolumeAsync(id, cancellationToken)).ConfigureAwait(false));

    public override async Task<Observation<VolumeObservation>?> FindAsync(CancellationToken cancellationToken) =>
        Observe(await Storage.FindVolumeByNameAsync(Entity.Metadata.Name, cancellationToken).ConfigureAwait(false));

    public override Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken) =>
        Storage.CreateVolumeAsync(Specification(), cancellationToken);

    /// <summary>In this order: class and size, mounts, unmounts, Global Mirror, failover; one is sent per pass.</summary>
    public override async IAsyncEnumerable<Change> PlanAsync(Observation<VolumeObservation> observed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (volume, spec) = (observed.Resource, Entity.Spec);
        var id = volume.Id;
        if ((volume.StorageClass is { } storageClass && spec.StorageClass != storageClass) || spec.SizeGiB != volume.SizeGiB)
        {
            yield return new Change("Updating", $"Changing block volume {id} to {ApiNames.Of(spec.StorageClass)}, {spec.SizeGiB} GiB", ct => Storage.UpdateVolumeAsync(id, spec.StorageClass, spec.SizeGiB, ct))
            {
                ManualOrder = ResizeOrder(volume, spec.StorageClass, spec.SizeGiB),
            };
        }

        var mounts = spec.CpoolRefs.Select(r => References.IdOf<Cpool>(r.Name)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var mount in mounts.Where(c => !volume.CpoolIds.Contains(c, StringComparer.Ordinal)))
        {
            yield return new Change("Updating", $"Mounting block volume {id} on Cpool {mount}", ct => Storage.MountAsync(id, mount, ct)) { ManualOrder = MountOrder(id, mount, mount: true) };
        }

        foreach (var unmount in volume.CpoolIds.Where(c => !mounts.Contains(c, StringComparer.Ordinal)))
        {
            yield return await UnmountAsync(volume, unmount, cancellationToken).ConfigureAwait(false);
        }

        if (spec.Replication is not { } replication)
        {
            yield break;
        }

        if (volume.Replication is not { } mirror)
        {
            var desired = new GlobalMirrorSpecification(replication.TargetAvailabilityZone, References.IdOf<Cpool>(replication.StandbyCpoolRef.Name), replication.Mode);
            yield return new Change("Updating", $"Setting up Global Mirror of block volume {id} to {desired.TargetZone}, presented to standby Cpool {desired.StandbyCpoolId}", ct => Storage.EnableGlobalMirrorAsync(id, desired, ct))
            {
                ManualOrder = GlobalMirrorOrder(volume, desired),
            };
        }
        else if (replication.Failover && mirror.State != MirrorState.FailedOver)
        {
            yield return new Change("Failover", $"Failing block volume {id} over to its replica {mirror.ReplicaVolumeId} in {mirror.TargetZone}", ct => Storage.FailoverAsync(id, ct))
            {
                Warning = true,
                ManualOrder = FailoverOrder(id),
            };
        }
    }

    public override Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Storage.DeleteVolumeAsync(id, cancellationToken);

    public override void Report(Observation<VolumeObservation> observed)
    {
        var (volume, status) = (observed.Resource, Entity.Status!);
        status.CapacityGiB = volume.CapacityGiB;
        status.FreeGiB = volume.FreeGiB;
        status.IopsLimit = volume.IopsLimit;
        status.Encryption = volume.Encryption;
        status.Replication = volume.Replication is { } mirror
            ? new VolumeReplicationStatus { State = mirror.State.ToString(), TargetExternalId = mirror.ReplicaVolumeId, LastSyncTime = mirror.LastSyncTime?.UtcDateTime }
            : null;
        status.Billing = Billing(volume.Billing);

        BlockVolumeConditions.ReportReplication(Conditions, Entity.Spec.Replication, volume);
        BlockVolumeConditions.ReportHeadroom(Conditions, volume);
    }

    /// <summary>The order to place for a change of class or size the API cannot make; null: the API makes it.</summary>
    protected virtual string? ResizeOrder(VolumeObservation current, StorageClass storageClass, long sizeGiB) => null;

    /// <summary>The order to place to mount (or unmount) the volume on a Cpool when the API cannot; null: the API does it.</summary>
    protected virtual string? MountOrder(string volumeId, string cpoolId, bool mount) => null;

    /// <summary>The order to place for a Global Mirror the API cannot set up; null: the API does it.</summary>
    protected virtual string? GlobalMirrorOrder(VolumeObservation current, GlobalMirrorSpecification desired) => null;

    /// <summary>The order to place for a failover the API cannot make; null: the API makes it.</summary>
    protected virtual string? FailoverOrder(string volumeId) => null;

    /// <summary>The volume the spec asks for.</summary>
    protected VolumeSpecification Specification()
    {
        var spec = Entity.Spec;
        return new VolumeSpecification(Entity.Metadata.Name, spec.AvailabilityZone, spec.StorageClass, spec.SizeGiB);
    }

    // Unmounting a datastore under running VMs would cut them from their disks (B7 warns that a VM that
    // loses its storage can freeze or be corrupted): the operator refuses it, as the platform does not.
    private async Task<Change> UnmountAsync(VolumeObservation volume, string cpoolId, CancellationToken cancellationToken)
    {
        var stranded = (await Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false))
            .Where(vm => vm.DatastoreId == volume.Id && vm.CpoolId == cpoolId)
            .Select(vm => vm.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        var refused = stranded.Count > 0
            ? new Verdict(Reasons.PlatformRefused,
                $"Block volume {volume.Id} is not unmounted from Cpool {cpoolId}: the disks of VM(s) {BoundedText.List(stranded)} on that Cpool are on it. Put the Cpool back in spec.cpoolRefs, or move the VMs first.")
            : null;
        return new Change("Updating", $"Unmounting block volume {volume.Id} from Cpool {cpoolId}", ct => Storage.UnmountAsync(volume.Id, cpoolId, ct))
        {
            Refused = refused,
            ManualOrder = MountOrder(volume.Id, cpoolId, mount: false),
        };
    }

    private Observation<VolumeObservation>? Observe(VolumeObservation? volume) =>
        volume is null
            ? null
            : new(volume, volume.Id)
            {
                Busy = volume.State != ResourceState.Ready,
                CannotChangeInPlace = CannotChangeInPlace(volume),
                NotShown =
                [
                    .. volume.Zone is null ? ["spec.availabilityZone"] : Array.Empty<string>(),
                    .. volume.StorageClass is null ? ["spec.storageClass"] : Array.Empty<string>(),
                ],
            };

    private string? CannotChangeInPlace(VolumeObservation volume)
    {
        var spec = Entity.Spec;
        if (volume.Zone is { } zone && spec.AvailabilityZone != zone)
        {
            return $"spec.availabilityZone is {spec.AvailabilityZone} but the volume lives in {zone}: a volume cannot move between zones; create another volume.";
        }

        if (volume.StorageClass is { } storageClass && PlatformCatalog.StorageClassOf(spec.StorageClass).IsFlash != PlatformCatalog.StorageClassOf(storageClass).IsFlash)
        {
            return $"spec.storageClass is {ApiNames.Of(spec.StorageClass)} but the volume is {ApiNames.Of(storageClass)}: flash and mass storage do not change into each other in place (rule B8); create another volume.";
        }

        return spec.SizeGiB < volume.SizeGiB
            ? $"spec.sizeGiB is {spec.SizeGiB} but the volume has {volume.SizeGiB} GiB: a volume can grow, never shrink (rule B8)."
            : null;
    }
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.BlockVolumes;

/// <summary>
/// A block volume on the console API: a datastore, observed and adopted; every write (ordering,
/// resizing, mounting, Global Mirror, failover, deleting) is a console order, which the object names
/// instead of sending anything. An order is written from the datastore already observed, with no
/// second read; an unmount under running VMs is still refused before any order is named.
/// </summary>
public sealed class ConsoleBlockVolumeClient(IPlatform platform, ReconcileContext<BlockVolume> context, ResolvedReferences references)
    : BlockVolumeClient(platform, context, references)
{
    public override Capabilities Capabilities => Capabilities.Observe;

    public override string CreateOrder() => ManualOrders.CreateVolume(Specification()).Message;

    public override string DeleteOrder(string id) => ManualOrders.DeleteVolume(id).Message;

    protected override string? ResizeOrder(VolumeObservation current, StorageClass storageClass, long sizeGiB) =>
        ManualOrders.ResizeVolume(current.Id, current.SizeGiB, storageClass, sizeGiB).Message;

    protected override string? MountOrder(string volumeId, string cpoolId, bool mount) => ManualOrders.Mount(volumeId, cpoolId, mount).Message;

    protected override string? GlobalMirrorOrder(VolumeObservation current, GlobalMirrorSpecification desired) =>
        ManualOrders.GlobalMirror(current.Id, desired, current.SizeGiB).Message;

    protected override string? FailoverOrder(string volumeId) => ManualOrders.Failover(volumeId).Message;
}

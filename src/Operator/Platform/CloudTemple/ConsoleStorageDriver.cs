using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// Block volumes on the console API: a block volume is a datastore (<c>/api/compute/v1/vcenters/datastores</c>).
/// It reads capacity and free space (bytes), the hosts that see it (hence its Cpools and zone) and,
/// with the VMs on it, the headroom of rule B7; it shows no storage class. Every write is a console
/// order: it throws <see cref="ManualOrderRequiredException"/> and sends nothing.
/// </summary>
internal sealed class ConsoleStorageDriver(PlatformSession session, ConsoleComputeDriver compute) : IStorageDriver
{
    private const string Datastores = "api/compute/v1/vcenters/datastores";

    public Task<PlatformOperation> CreateVolumeAsync(VolumeSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        throw ManualOrders.CreateVolume(specification);
    }

    public async Task<PlatformOperation> UpdateVolumeAsync(string volumeId, StorageClass storageClass, long sizeGiB, CancellationToken cancellationToken = default)
    {
        var current = await GetVolumeAsync(volumeId, cancellationToken).ConfigureAwait(false);
        throw ManualOrders.ResizeVolume(volumeId, current.SizeGiB, storageClass, sizeGiB);
    }

    public Task<PlatformOperation> MountAsync(string volumeId, string cpoolId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.Mount(volumeId, cpoolId, mount: true);

    public Task<PlatformOperation> UnmountAsync(string volumeId, string cpoolId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.Mount(volumeId, cpoolId, mount: false);

    public async Task<PlatformOperation> EnableGlobalMirrorAsync(string volumeId, GlobalMirrorSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var current = await GetVolumeAsync(volumeId, cancellationToken).ConfigureAwait(false);
        throw ManualOrders.GlobalMirror(volumeId, specification, current.SizeGiB);
    }

    public Task<PlatformOperation> FailoverAsync(string volumeId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.Failover(volumeId);

    public Task<PlatformOperation> DeleteVolumeAsync(string volumeId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.DeleteVolume(volumeId);

    public async Task<VolumeObservation> GetVolumeAsync(string volumeId, CancellationToken cancellationToken = default)
    {
        var datastore = await session.ItemAsync<DatastoreView>(Datastores, volumeId, d => d.Id, cancellationToken).ConfigureAwait(false);
        return await ObserveAsync(datastore, cancellationToken).ConfigureAwait(false);
    }

    public async Task<VolumeObservation?> FindVolumeByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<DatastoreView>(Datastores, "blockVolume", name, d => d.Id, d => d.Name == name, cancellationToken).ConfigureAwait(false);
        return found is null ? null : await ObserveAsync(found, cancellationToken).ConfigureAwait(false);
    }

    private async Task<VolumeObservation> ObserveAsync(DatastoreView datastore, CancellationToken cancellationToken)
    {
        var topology = await ConsoleTopology.ReadAsync(session, cancellationToken).ConfigureAwait(false);
        var vms = await compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        return Observe(datastore, topology, vms);
    }

    private static VolumeObservation Observe(DatastoreView datastore, ConsoleTopology topology, IReadOnlyList<VirtualMachineObservation> vms)
    {
        var cpools = topology.ClustersOf(datastore.HostsNames);
        var zones = topology.ZonesOf(cpools);
        var capacity = Bytes.ToGiB(datastore.MaxCapacity);
        var free = Bytes.ToGiB(datastore.FreeCapacity);

        // B7: the swap files of the VMs started on the datastore need room beside their disks.
        var started = vms.Where(v => v.DatastoreId == datastore.Id && v.PoweredOn).Sum(v => (long)v.MemoryGiB);
        var required = PlatformCatalog.RequiredHeadroomGiB(capacity, started);
        return new VolumeObservation(
            datastore.Id,
            datastore.Name,
            zones.Count == 1 ? zones[0] : null,
            StorageClass: null,
            capacity,
            capacity,
            free,
            IopsLimit: null,
            Encryption: null,
            cpools,
            Replication: null,
            ReplicaOf: null,
            required,
            free >= required,
            ResourceState.Ready,
            Billing: []);
    }
}

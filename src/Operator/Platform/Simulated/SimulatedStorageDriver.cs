using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>
/// Block volumes on the simulated platform, through its provisioning API: one read gives the volume
/// with its class, IOPS, replication, capacity, free space, headroom and billing.
/// </summary>
internal sealed class SimulatedStorageDriver(PlatformSession session) : IStorageDriver
{
    private const string Volumes = "api/simulator/v1/block-volumes";

    public Task<PlatformOperation> CreateVolumeAsync(VolumeSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var body = new { name = specification.Name, zone = specification.Zone, storageClass = specification.StorageClass, sizeGiB = specification.SizeGiB };
        return session.WriteAsync(HttpMethod.Post, Volumes, body, new($"create block volume '{specification.Name}'", "blockVolume", Name: specification.Name), cancellationToken);
    }

    public Task<PlatformOperation> UpdateVolumeAsync(string volumeId, StorageClass storageClass, long sizeGiB, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Put, Path(volumeId), new { storageClass, sizeGiB }, Change("update", volumeId), cancellationToken);

    public Task<PlatformOperation> MountAsync(string volumeId, string cpoolId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Path(volumeId) + "/mount", new { cpoolId }, Change($"mount on cpool {cpoolId}", volumeId), cancellationToken);

    public Task<PlatformOperation> UnmountAsync(string volumeId, string cpoolId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Path(volumeId) + "/unmount", new { cpoolId }, Change($"unmount from cpool {cpoolId}", volumeId), cancellationToken);

    public Task<PlatformOperation> EnableGlobalMirrorAsync(string volumeId, GlobalMirrorSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var body = new { targetZone = specification.TargetZone, standbyCpoolId = specification.StandbyCpoolId, mode = specification.Mode };
        return session.WriteAsync(HttpMethod.Post, Path(volumeId) + "/global-mirror", body, Change("Global Mirror", volumeId), cancellationToken);
    }

    public Task<PlatformOperation> FailoverAsync(string volumeId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Path(volumeId) + "/global-mirror/failover", new { }, Change("failover", volumeId), cancellationToken);

    public Task<PlatformOperation> DeleteVolumeAsync(string volumeId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Delete, Path(volumeId), null, Change("deletion", volumeId), cancellationToken);

    public async Task<VolumeObservation> GetVolumeAsync(string volumeId, CancellationToken cancellationToken = default)
    {
        var view = await session.ItemAsync<VolumeView>(Volumes, volumeId, v => v.Id, cancellationToken).ConfigureAwait(false);
        return Observe(view);
    }

    public async Task<VolumeObservation?> FindVolumeByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<VolumeView>(Volumes, "blockVolume", name, v => v.Id, v => v.Name == name && v.State != ResourceState.Deleting, cancellationToken).ConfigureAwait(false);
        return found is null ? null : Observe(found);
    }

    private static VolumeObservation Observe(VolumeView view) =>
        new(
            view.Id,
            view.Name,
            view.Zone,
            view.StorageClass,
            view.SizeGiB,
            view.Usage?.CapacityGiB ?? view.SizeGiB,
            view.Usage?.FreeGiB ?? 0,
            view.IopsLimit,
            view.Encryption,
            view.CpoolIds ?? [],
            view.Replication is { } r ? new MirrorObservation(r.State, r.TargetZone, r.StandbyCpoolId, r.ReplicaVolumeId, r.LastSyncTime) : null,
            view.ReplicaOf,
            view.Usage?.RequiredHeadroomGiB ?? 0,
            view.Usage?.HeadroomSufficient ?? true,
            view.State,
            Views.Billing(view.Billing));

    private static string Path(string volumeId) => $"{Volumes}/{Uri.EscapeDataString(volumeId)}";

    private static WriteIntent Change(string what, string volumeId) => new($"{what} of block volume {volumeId}", "blockVolume", ResourceId: volumeId);
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>Block volumes and Global Mirror replication (B1–B15).</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>Creates a block volume of 500 GiB to 64 TiB (B1).</summary>
    public Accepted CreateBlockVolume(string tenantId, string name, Zone zone, StorageClass storageClass, long sizeGiB)
    {
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            CheckSize(sizeGiB);
            var id = NewId("volume");
            _volumes.Add(id, new BlockVolume(id, name, tenantId, zone, storageClass, sizeGiB, [], Replication: null, ReplicaOf: null, ProvisioningState.Creating));
            return Enqueue(
                $"Create block volume {name}",
                new ConcernedItem("blockVolume", id),
                _options.BlockVolume,
                new CreatePlan("blockVolume", id));
        }
    }

    /// <summary>Grows a volume or moves it between flash classes (B1, B8, B11); a replica follows (B12).</summary>
    public Accepted UpdateBlockVolume(string volumeId, StorageClass storageClass, long sizeGiB)
    {
        lock (_lock)
        {
            Settle();
            var volume = RequireVolume(volumeId);
            CheckSize(sizeGiB);
            if (sizeGiB < volume.SizeGiB)
            {
                throw Refused("B8", $"A volume can grow, never shrink: volume '{volume.Name}' has {volume.SizeGiB} GiB, the request asks {sizeGiB} GiB");
            }

            if (PlatformCatalog.StorageClassOf(storageClass).IsFlash != PlatformCatalog.StorageClassOf(volume.StorageClass).IsFlash)
            {
                throw Refused("B8", $"A volume cannot move between a flash class and mass storage in place: volume '{volume.Name}' is {Api(volume.StorageClass)}, the request asks {Api(storageClass)}");
            }

            if (volume.Replication is not null)
            {
                CheckGlobalMirrorClass(storageClass);
            }

            return Enqueue(
                $"Update block volume {volume.Name}",
                new ConcernedItem("blockVolume", volumeId),
                _options.BlockVolume,
                new UpdateVolumePlan(volumeId, storageClass, sizeGiB));
        }
    }

    /// <summary>Mounts a volume as a datastore on a Cpool of the same tenant and zone (B6).</summary>
    public Accepted MountBlockVolume(string volumeId, string cpoolId)
    {
        lock (_lock)
        {
            Settle();
            var volume = RequireVolume(volumeId);
            var cpool = RequireCpool(cpoolId);
            if (cpool.TenantId != volume.TenantId)
            {
                throw Refused("B6", $"A volume is dedicated to one tenant: volume '{volume.Name}' can only be mounted on Cpools of its own tenant, and Cpool '{cpool.Name}' belongs to another");
            }

            if (cpool.Zone != volume.Zone)
            {
                throw Refused("B6", $"A volume can only be mounted on Cpools of its own zone: volume '{volume.Name}' is in {volume.Zone}, Cpool '{cpool.Name}' in {cpool.Zone}");
            }

            if (volume.ReplicaOf is not null)
            {
                throw Refused("B13", $"Volume '{volume.Name}' is a Global Mirror replica: hypervisors do not see it until a failover is requested");
            }

            return Enqueue(
                $"Mount block volume {volume.Name} on Cpool {cpool.Name}",
                new ConcernedItem("blockVolume", volumeId),
                _options.BlockVolume,
                new MountPlan(volumeId, cpoolId, Mount: true));
        }
    }

    /// <summary>Unmounts a volume from a Cpool.</summary>
    public Accepted UnmountBlockVolume(string volumeId, string cpoolId)
    {
        lock (_lock)
        {
            Settle();
            var volume = RequireVolume(volumeId);
            return Enqueue(
                $"Unmount block volume {volume.Name}",
                new ConcernedItem("blockVolume", volumeId),
                _options.BlockVolume,
                new MountPlan(volumeId, cpoolId, Mount: false));
        }
    }

    /// <summary>
    /// Sets up Global Mirror: a replica of the same size and class in another zone, with a standby
    /// Cpool there (B10–B12, B14, X1). The result of the operation is the source volume; the
    /// replica's id is in <see cref="BlockVolume.Replication"/> at once.
    /// </summary>
    public Accepted EnableGlobalMirror(string volumeId, ReplicationMode mode, Zone targetZone, string standbyCpoolId)
    {
        lock (_lock)
        {
            Settle();
            var volume = RequireVolume(volumeId);
            if (mode == ReplicationMode.Sync)
            {
                throw Refused("B10", "Synchronous replication (Metro Mirror) is no longer sold since 2024-01-01; only asynchronous replication (Global Mirror) is available");
            }

            CheckGlobalMirrorClass(volume.StorageClass);
            if (volume.Replication is not null || volume.ReplicaOf is not null)
            {
                throw Conflict("B12", $"Volume '{volume.Name}' is already part of a Global Mirror relationship");
            }

            if (targetZone == volume.Zone)
            {
                throw Refused("B12", $"The replica must be in another availability zone than the source: volume '{volume.Name}' is in {volume.Zone}");
            }

            var standby = RequireCpool(standbyCpoolId);
            if (standby.TenantId != volume.TenantId || standby.Zone != targetZone)
            {
                throw Refused("B12", $"The standby Cpool must belong to the volume's tenant and be in the target zone {targetZone}; Cpool '{standby.Name}' is in {standby.Zone}");
            }

            if (_vms.Values.FirstOrDefault(v => v.DatastoreId == volumeId && v.Encrypted) is { } encrypted)
            {
                throw Refused("X1", $"A VM cannot be both HSM-encrypted and replicated: VM '{encrypted.Name}' on volume '{volume.Name}' is encrypted");
            }

            var replicaId = NewId("volume");
            _volumes.Add(replicaId, new BlockVolume(
                replicaId, $"{volume.Name}-replica", volume.TenantId, targetZone, volume.StorageClass, volume.SizeGiB, [], Replication: null, ReplicaOf: volumeId, ProvisioningState.Creating));
            _volumes[volumeId] = volume with { Replication = new GlobalMirror(targetZone, standbyCpoolId, replicaId, GlobalMirrorState.Synchronizing, LastSyncTime: null) };
            return Enqueue(
                $"Enable Global Mirror of block volume {volume.Name} to {targetZone}",
                new ConcernedItem("blockVolume", volumeId),
                _options.GlobalMirror,
                new GlobalMirrorPlan(volumeId, replicaId));
        }
    }

    /// <summary>Presents the replica to the standby Cpool, which needs the memory of the volume's VMs (B14).</summary>
    public Accepted FailoverGlobalMirror(string volumeId)
    {
        lock (_lock)
        {
            Settle();
            var volume = RequireVolume(volumeId);
            var mirror = volume.Replication ?? throw Refused("B14", $"Volume '{volume.Name}' is not replicated, so there is nothing to fail over");
            var standby = RequireCpool(mirror.StandbyCpoolId);
            var needed = _vms.Values.Where(v => v.DatastoreId == volumeId).Sum(v => v.MemoryGiB);
            var free = standby.MemoryGiB - _vms.Values.Where(v => v.CpoolId == standby.Id).Sum(v => v.MemoryGiB);
            if (needed > free)
            {
                throw Refused("B14", $"A failover needs compute and memory reserved in the standby zone: Cpool '{standby.Name}' has {free} GiB free, the volume's VMs need {needed} GiB");
            }

            return Enqueue(
                $"Fail over block volume {volume.Name} to {mirror.TargetZone}",
                new ConcernedItem("blockVolume", volumeId),
                _options.GlobalMirror,
                new GlobalMirrorFailoverPlan(volumeId, mirror.ReplicaVolumeId, mirror.StandbyCpoolId));
        }
    }

    /// <summary>A volume, or null.</summary>
    public BlockVolume? GetBlockVolume(string id)
    {
        lock (_lock)
        {
            Settle();
            return _volumes.GetValueOrDefault(id);
        }
    }

    /// <summary>The volumes of a tenant.</summary>
    public IReadOnlyList<BlockVolume> GetBlockVolumes(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _volumes.Values.Where(v => v.TenantId == tenantId)];
        }
    }

    /// <summary>Free space and the headroom figure of a datastore (B7).</summary>
    public VolumeUsage GetVolumeUsage(string volumeId)
    {
        lock (_lock)
        {
            Settle();
            var volume = RequireVolume(volumeId);
            var vms = _vms.Values.Where(v => v.DatastoreId == volumeId).ToList();
            var used = vms.Sum(v => v.DiskGiB);
            var free = volume.SizeGiB - used;
            long started = vms.Where(v => v.PowerState == PowerState.PoweredOn).Sum(v => v.MemoryGiB);
            var required = PlatformCatalog.RequiredHeadroomGiB(volume.SizeGiB, started);
            return new VolumeUsage(volume.SizeGiB, used, free, started, required, free >= required);
        }
    }

    private static void CheckSize(long sizeGiB)
    {
        if (sizeGiB < PlatformCatalog.MinimumVolumeGiB)
        {
            throw Refused("B1", $"A block volume is at least {PlatformCatalog.MinimumVolumeGiB} GiB, not {sizeGiB} GiB");
        }

        if (sizeGiB > PlatformCatalog.MaximumVolumeGiB)
        {
            throw Refused("B1", $"A block volume is at most {PlatformCatalog.MaximumVolumeGiB} GiB (64 TiB, the largest VMFS datastore), not {sizeGiB} GiB");
        }
    }

    private static void CheckGlobalMirrorClass(StorageClass storageClass)
    {
        if (!PlatformCatalog.StorageClassOf(storageClass).GlobalMirror)
        {
            var eligible = PlatformCatalog.StorageClasses.Where(c => c.GlobalMirror).Select(c => Api(c.Class)).ToList();
            throw Refused("B11", $"Global Mirror replication is only available for the {string.Join(", ", eligible[..^1])} and {eligible[^1]} classes, not {Api(storageClass)}");
        }
    }

    private static string Api(StorageClass storageClass) => storageClass.ToString().ToLowerInvariant();
}

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;
using ReplicationMode = CloudTemple.Operator.Entities.ReplicationMode;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class BlockVolumeRuleTests
{
    private readonly World _world = new();

    private int VolumeCount => _world.Platform.GetBlockVolumes(_world.Tenant).Count;

    [Fact]
    public void B1_AVolumeUnder500GiB_IsRefused_AndNothingIsCreated()
    {
        var before = VolumeCount;

        var refusal = World.Refused("B1", () => _world.Platform.CreateBlockVolume(_world.Tenant, "tiny", Zone.PAR7S, StorageClass.Standard, 499));

        Assert.Contains("at least 500 GiB", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, VolumeCount);
    }

    [Theory]
    [InlineData(65_537L)]
    [InlineData(9_000_000_000_000_000_000L)]
    public void B1_AVolumeAbove64TiB_IsRefused_WithTheBound_AndNothingIsCreated(long sizeGiB)
    {
        var before = VolumeCount;

        var refusal = World.Refused("B1", () => _world.Platform.CreateBlockVolume(_world.Tenant, "huge", Zone.PAR7S, StorageClass.Ultra, sizeGiB));

        Assert.Contains("at most 65536 GiB (64 TiB", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before, VolumeCount);
    }

    [Fact]
    public void B1_GrowingAVolumeBeyond64TiB_IsRefused_AndTheSizeIsKept()
    {
        var size = _world.Platform.GetBlockVolume(_world.VolumeId)!.SizeGiB;

        World.Refused("B1", () => _world.Platform.UpdateBlockVolume(_world.VolumeId, StorageClass.Premium, 9_000_000_000_000_000_000));

        Assert.Equal(size, _world.Platform.GetBlockVolume(_world.VolumeId)!.SizeGiB);
    }

    [Fact]
    public void B2_TheLargestUltraVolume_Reports960000Iops_NotAnOverflow()
    {
        var id = _world.Platform.CreateBlockVolume(_world.Tenant, "largest", Zone.PAR7S, StorageClass.Ultra, 65_536).ResourceId;

        Assert.Equal(960_000L, _world.Platform.GetBlockVolume(id)!.IopsLimit);
    }

    [Theory]
    [InlineData(StorageClass.Standard, 512, 750L)]
    [InlineData(StorageClass.Ultra, 10240, 150_000L)]
    [InlineData(StorageClass.Mass, 2048, null)]
    public void B2_TheIopsLimit_IsTheClassIopsPerTiBTimesTheSizeInTiB_AndNoneForMass(StorageClass storageClass, long sizeGiB, long? iops)
    {
        var id = _world.Platform.CreateBlockVolume(_world.Tenant, "v", Zone.PAR7S, storageClass, sizeGiB).ResourceId;

        Assert.Equal(iops, _world.Platform.GetBlockVolume(id)!.IopsLimit);
    }

    [Fact]
    public void B4_EveryVolume_IsEncryptedAtRestWithXtsAes256Fips140_2()
    {
        Assert.Equal("XTS-AES-256 (FIPS 140-2)", BlockVolume.Encryption);
    }

    [Fact]
    public void B6_MountingOnACpoolOfAnotherTenant_IsRefused()
    {
        var other = _world.Platform.AddTenant(_world.Organization.Id, "acme-dev").Id;
        var foreign = _world.Platform.CreateCpool(other, new CpoolRequest("dev", Zone.PAR7S, BladeType.Eco, 1)).ResourceId;

        var refusal = World.Refused("B6", () => _world.Platform.MountBlockVolume(_world.VolumeId, foreign));

        Assert.Contains("dedicated to one tenant", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(foreign, _world.Platform.GetBlockVolume(_world.VolumeId)!.CpoolIds);
    }

    [Fact]
    public void B6_MountingOnACpoolOfAnotherZone_IsRefused()
    {
        var refusal = World.Refused("B6", () => _world.Platform.MountBlockVolume(_world.VolumeId, _world.StandbyCpoolId));

        Assert.Contains("Cpools of its own zone", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_world.StandbyCpoolId, _world.Platform.GetBlockVolume(_world.VolumeId)!.CpoolIds);
    }

    [Fact]
    public void B6_AVolume_MayBeSharedByCpoolsOfItsTenantInItsZone()
    {
        var second = _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("second", Zone.PAR7S, BladeType.Eco, 1)).ResourceId;

        _world.Platform.MountBlockVolume(_world.VolumeId, second);

        Assert.Equal([_world.CpoolId, second], _world.Platform.GetBlockVolume(_world.VolumeId)!.CpoolIds);
    }

    [Fact]
    public void B7_FreeSpaceAndHeadroom_AreComputedFromTheVmsDisksAndStartedMemory()
    {
        _world.AddVm("web", memoryGiB: 32, diskGiB: 1500, power: PowerState.PoweredOn);
        _world.AddVm("idle", memoryGiB: 64, diskGiB: 100);

        var usage = _world.Platform.GetVolumeUsage(_world.VolumeId);

        Assert.Equal(448, usage.FreeGiB);
        Assert.Equal(32, usage.StartedVmMemoryGiB);
        Assert.Equal(32 + 204.8m, usage.RequiredHeadroomGiB);
        Assert.True(usage.HeadroomSufficient);

        _world.AddVm("db", memoryGiB: 200, diskGiB: 100, power: PowerState.PoweredOn);
        Assert.False(_world.Platform.GetVolumeUsage(_world.VolumeId).HeadroomSufficient);
    }

    [Fact]
    public void B8_AVolume_CannotShrink()
    {
        var before = _world.Platform.GetBlockVolume(_world.VolumeId);

        var refusal = World.Refused("B8", () => _world.Platform.UpdateBlockVolume(_world.VolumeId, StorageClass.Essential, 1024));

        Assert.Contains("grow, never shrink", refusal.Message, StringComparison.Ordinal);
        Assert.Same(before, _world.Platform.GetBlockVolume(_world.VolumeId));
    }

    [Fact]
    public void B8_AVolume_CannotMoveBetweenFlashAndMassInPlace()
    {
        var before = _world.Platform.GetBlockVolume(_world.VolumeId);

        var refusal = World.Refused("B8", () => _world.Platform.UpdateBlockVolume(_world.VolumeId, StorageClass.Mass, 4096));

        Assert.Contains("between a flash class and mass storage", refusal.Message, StringComparison.Ordinal);
        Assert.Same(before, _world.Platform.GetBlockVolume(_world.VolumeId));
    }

    [Fact]
    public void B8_AVolume_CanGrowAndMoveBetweenFlashClasses()
    {
        _world.Platform.UpdateBlockVolume(_world.VolumeId, StorageClass.Premium, 4096);

        var volume = _world.Platform.GetBlockVolume(_world.VolumeId)!;
        Assert.Equal((StorageClass.Premium, 4096L), (volume.StorageClass, volume.SizeGiB));
    }

    [Fact]
    public void B10_SynchronousReplication_IsRefusedAsNoLongerSoldSince2024()
    {
        var before = VolumeCount;

        var refusal = World.Refused("B10", () => _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Sync, Zone.TH3S, _world.StandbyCpoolId));

        Assert.Contains("no longer sold since 2024-01-01", refusal.Message, StringComparison.Ordinal);
        Assert.Null(_world.Platform.GetBlockVolume(_world.VolumeId)!.Replication);
        Assert.Equal(before, VolumeCount);
    }

    [Theory]
    [InlineData(StorageClass.Enterprise)]
    [InlineData(StorageClass.Ultra)]
    [InlineData(StorageClass.Mass)]
    public void B11_GlobalMirror_IsRefusedForEnterpriseUltraAndMass_WithTheRuleInItsReason(StorageClass storageClass)
    {
        var id = _world.Platform.CreateBlockVolume(_world.Tenant, "fast", Zone.PAR7S, storageClass, 1024).ResourceId;
        var before = VolumeCount;

        var refusal = World.Refused("B11", () => _world.Platform.EnableGlobalMirror(id, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId));

        Assert.StartsWith("Global Mirror replication is only available for the essential, standard and premium classes", refusal.Message, StringComparison.Ordinal);
        Assert.Null(_world.Platform.GetBlockVolume(id)!.Replication);
        Assert.Equal(before, VolumeCount);
    }

    [Fact]
    public void B11_AReplicatedVolume_CannotMoveToAClassWithoutGlobalMirror()
    {
        _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId);

        World.Refused("B11", () => _world.Platform.UpdateBlockVolume(_world.VolumeId, StorageClass.Ultra, 2048));

        Assert.Equal(StorageClass.Essential, _world.Platform.GetBlockVolume(_world.VolumeId)!.StorageClass);
    }

    [Fact]
    public void B12_AReplicaInTheSourceZone_IsRefused()
    {
        var before = VolumeCount;

        var refusal = World.Refused("B12", () => _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.PAR7S, _world.CpoolId));

        Assert.Contains("another availability zone than the source", refusal.Message, StringComparison.Ordinal);
        Assert.Null(_world.Platform.GetBlockVolume(_world.VolumeId)!.Replication);
        Assert.Equal(before, VolumeCount);
    }

    [Fact]
    public void B12_AStandbyCpoolOutsideTheTargetZone_IsRefused()
    {
        var before = VolumeCount;

        World.Refused("B12", () => _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.AZ07, _world.StandbyCpoolId));

        Assert.Equal(before, VolumeCount);
    }

    [Fact]
    public void B12_TheReplica_HasTheSameSizeAndClassInTheTargetZone_AndFollowsGrowth()
    {
        _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId);
        var mirror = _world.Platform.GetBlockVolume(_world.VolumeId)!.Replication!;
        _world.Platform.UpdateBlockVolume(_world.VolumeId, StorageClass.Standard, 3072);

        var replica = _world.Platform.GetBlockVolume(mirror.ReplicaVolumeId)!;
        Assert.Equal((Zone.TH3S, StorageClass.Standard, 3072L), (replica.Zone, replica.StorageClass, replica.SizeGiB));
        Assert.Equal(GlobalMirrorState.Consistent, mirror.State);
        Assert.Equal(_world.VolumeId, replica.ReplicaOf);
    }

    [Fact]
    public void B13_AReplica_CannotBeMountedBeforeFailover()
    {
        _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId);
        var replica = _world.Platform.GetBlockVolume(_world.VolumeId)!.Replication!.ReplicaVolumeId;

        World.Refused("B13", () => _world.Platform.MountBlockVolume(replica, _world.StandbyCpoolId));

        Assert.Empty(_world.Platform.GetBlockVolume(replica)!.CpoolIds);
    }

    [Fact]
    public void B14_AFailover_PresentsTheReplicaToTheStandbyCpool_WhenItHasTheMemory()
    {
        _world.AddVm("app", memoryGiB: 200);
        _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId);

        _world.Platform.FailoverGlobalMirror(_world.VolumeId);

        var mirror = _world.Platform.GetBlockVolume(_world.VolumeId)!.Replication!;
        Assert.Equal(GlobalMirrorState.FailedOver, mirror.State);
        Assert.Equal([_world.StandbyCpoolId], _world.Platform.GetBlockVolume(mirror.ReplicaVolumeId)!.CpoolIds);
    }

    [Fact]
    public void B14_AFailover_WithoutMemoryReservedInTheStandbyZone_IsRefused()
    {
        _world.AddVm("big", memoryGiB: 300);
        _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId);

        var refusal = World.Refused("B14", () => _world.Platform.FailoverGlobalMirror(_world.VolumeId));

        Assert.Contains("256 GiB free", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(GlobalMirrorState.Consistent, _world.Platform.GetBlockVolume(_world.VolumeId)!.Replication!.State);
    }
}

using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Tests;

public sealed class PlatformCatalogTests
{
    [Fact]
    public void C4_ThreeStandardHosts_ReserveAtLeast384AndAtMost1152GiB()
    {
        Assert.Equal(384, PlatformCatalog.MinimumMemoryGiB(3));
        Assert.Equal(1152, PlatformCatalog.MaximumMemoryGiB(BladeType.Standard, 3));
    }

    [Theory]
    [InlineData(BladeType.Eco, 384)]
    [InlineData(BladeType.Standard, 384)]
    [InlineData(BladeType.Advance, 768)]
    [InlineData(BladeType.Perf1, 384)]
    [InlineData(BladeType.Perf2, 768)]
    [InlineData(BladeType.Perf3, 1536)]
    [InlineData(BladeType.Perf4, 512)]
    public void C4_MaximumMemoryPerHost_IsTheBladesRam(BladeType blade, int ramGiB) =>
        Assert.Equal(ramGiB, PlatformCatalog.MaximumMemoryGiB(blade, 1));

    [Fact]
    public void C10_OnlyPerformance4_ExposesTwoGpusPerHost()
    {
        Assert.Equal(6, PlatformCatalog.Gpus(BladeType.Perf4, 3));
        Assert.All(Enum.GetValues<BladeType>().Where(b => b != BladeType.Perf4), b => Assert.Equal(0, PlatformCatalog.Gpus(b, 3)));
    }

    [Theory]
    [InlineData(StorageClass.Standard, 512, 750L)] // the page's example: 0.5 TiB Standard → 750 IOPS
    [InlineData(StorageClass.Ultra, 10240, 150_000L)] // 10 TiB Ultra → 150,000 IOPS
    [InlineData(StorageClass.Essential, 1024, 500L)]
    [InlineData(StorageClass.Premium, 2048, 6000L)]
    [InlineData(StorageClass.Enterprise, 1024, 7500L)]
    public void B2_IopsLimit_IsClassIopsPerTiBTimesSizeInTiB(StorageClass storageClass, long sizeGiB, long expected) =>
        Assert.Equal(expected, PlatformCatalog.IopsLimit(storageClass, sizeGiB));

    [Fact]
    public void B2_TheIopsLimitOfTheLargestUltraVolume_IsTheHighestIopsLimit() =>
        Assert.Equal(PlatformCatalog.MaximumIopsLimit, PlatformCatalog.IopsLimit(StorageClass.Ultra, PlatformCatalog.MaximumVolumeGiB));

    [Fact]
    public void B2_AnIopsLimitThatWouldOverflow_Throws_InsteadOfReportingANegativeFigure() =>
        Assert.Throws<OverflowException>(() => PlatformCatalog.IopsLimit(StorageClass.Ultra, 9_000_000_000_000_000_000));

    [Fact]
    public void C4_AMemoryFigureThatWouldOverflow_Throws_InsteadOfWrapping()
    {
        Assert.Throws<OverflowException>(() => PlatformCatalog.MinimumMemoryGiB(int.MaxValue));
        Assert.Throws<OverflowException>(() => PlatformCatalog.MaximumMemoryGiB(BladeType.Perf3, 3_000_000));
        Assert.Throws<OverflowException>(() => PlatformCatalog.Gpus(BladeType.Perf4, int.MaxValue));
    }

    [Fact]
    public void TheNamedLimits_AgreeWithTheCatalogTheyComeFrom()
    {
        Assert.Equal(PlatformCatalog.LargestBladeMemoryGiB, PlatformCatalog.Blades.Max(b => b.MemoryGiB));
        Assert.Equal(PlatformCatalog.MaximumCpoolMemoryGiB, PlatformCatalog.MaximumHosts * PlatformCatalog.Blades.Max(b => b.MemoryGiB));
        Assert.Equal(PlatformCatalog.MaximumCpoolGpus, PlatformCatalog.MaximumHosts * PlatformCatalog.Blades.Max(b => b.GpusPerHost));
        Assert.Equal(PlatformCatalog.HighestIopsPerTiB, PlatformCatalog.StorageClasses.Max(c => c.IopsPerTiB));
        Assert.Equal(65536, PlatformCatalog.MaximumVolumeGiB);
        Assert.Equal(Entities.ApiBounds.Zones, PlatformCatalog.Zones.Count);
        Assert.Equal(Entities.ApiBounds.EncryptionBlockers, Enum.GetValues<Entities.EncryptionBlocker>().Length);
    }

    [Fact]
    public void B5_MassStorage_HasNoIopsCommitment() =>
        Assert.Null(PlatformCatalog.IopsLimit(StorageClass.Mass, 10240));

    [Fact]
    public void B11_OnlyEssentialStandardAndPremium_CanBeReplicated() =>
        Assert.Equal(
            [StorageClass.Essential, StorageClass.Standard, StorageClass.Premium],
            PlatformCatalog.StorageClasses.Where(c => c.GlobalMirror).Select(c => c.Class));

    [Fact]
    public void B7_Headroom_IsVmMemoryPlusTenPercentOfCapacity() =>
        Assert.Equal(164.8m, PlatformCatalog.RequiredHeadroomGiB(capacityGiB: 1048, startedVmMemoryGiB: 60));

    [Fact]
    public void Skus_FollowTheCatalogPatterns()
    {
        Assert.Equal("csp:fr1:iaas:vmware:perf4:v3", PlatformCatalog.Blade(BladeType.Perf4).Sku);
        Assert.Equal("csp:fr1:iaas:storage:bloc:live:v1", PlatformCatalog.StorageClassOf(StorageClass.Essential).Sku);
        Assert.Equal("csp:fr1:iaas:storage:bloc:medium:v1", PlatformCatalog.StorageClassOf(StorageClass.Standard).Sku);
        Assert.Equal("csp:fr1:iaas:storage:bloc:mass:v1", PlatformCatalog.StorageClassOf(StorageClass.Mass).Sku);
        Assert.Equal("csp:fr1:iaas:storage:bloc:backup:v1", PlatformCatalog.BackupStorageSku);
        Assert.Equal("csp:fr1:iaas:storage:licence:globalmirror:v1", PlatformCatalog.GlobalMirrorLicenceSku);
        Assert.Equal("csp:fr1:iaas:backup:vm:v1", PlatformCatalog.BackupVmSku);
        Assert.Equal("csp:fr1:iaas:vmware:licence:replication:v1", PlatformCatalog.VmReplicationSku);
        Assert.Equal("csp:fr1:iaas:vmware:encryption:hsm:v1", PlatformCatalog.HsmEncryptionSku);
    }

    [Fact]
    public void H2_TheHsmServiceRunsInTheThreeZonesOfFR1() =>
        Assert.Equal(PlatformCatalog.Zones, PlatformCatalog.HsmZones);

    [Fact]
    public void MassStorage_IsBilledPerTiB_AndFlashPerGiB() =>
        Assert.All(PlatformCatalog.StorageClasses, c =>
            Assert.Equal(c.Class == StorageClass.Mass ? BillingUnit.TiB : BillingUnit.GiB, c.BillingUnit));
}

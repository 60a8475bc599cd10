namespace CloudTemple.Operator.Entities.Catalog;

/// <summary>A compute blade of catalog v3 (docs/rules.md, Cpool).</summary>
/// <param name="Type">The blade's API name.</param>
/// <param name="DisplayName">The catalog's name.</param>
/// <param name="Code">The code in the blade's SKU.</param>
/// <param name="MemoryGiB">RAM per host.</param>
/// <param name="Cores">Physical cores per host.</param>
/// <param name="Threads">Hardware threads per host.</param>
/// <param name="NetworkGbps">Bandwidth of each of the two network links.</param>
/// <param name="GpusPerHost">GPUs per host (rule C10).</param>
public sealed record Blade(
    BladeType Type, string DisplayName, string Code, int MemoryGiB, int Cores, int Threads, int NetworkGbps, int GpusPerHost)
{
    /// <summary>The billing SKU of one host of this blade.</summary>
    public string Sku => $"csp:{PlatformCatalog.Region.ToLowerInvariant()}:iaas:vmware:{Code}:v3";
}

/// <summary>A performance class of SAN block storage (docs/rules.md, BlockVolume).</summary>
/// <param name="Class">The class's API name.</param>
/// <param name="DisplayName">The catalog's name.</param>
/// <param name="Code">The code in the class's SKU.</param>
/// <param name="IopsPerTiB">Committed IOPS per TiB; null for mass storage, which has no commitment (B5).</param>
/// <param name="BillingUnit">The unit the class is billed in.</param>
/// <param name="GlobalMirror">Whether Global Mirror replication is available for the class (B11).</param>
public sealed record StorageClassInfo(
    StorageClass Class, string DisplayName, string Code, int? IopsPerTiB, BillingUnit BillingUnit, bool GlobalMirror)
{
    /// <summary>Flash classes can move between each other; mass storage cannot become flash in place (B8).</summary>
    public bool IsFlash => Class != StorageClass.Mass;

    /// <summary>The billing SKU of the class.</summary>
    public string Sku => PlatformCatalog.StorageSku(Code);
}

/// <summary>The unit a SKU is billed in.</summary>
public enum BillingUnit
{
    /// <summary>One compute host.</summary>
    Host,

    /// <summary>One gibibyte.</summary>
    GiB,

    /// <summary>One tebibyte (1,024 GiB).</summary>
    TiB,

    /// <summary>One virtual machine.</summary>
    VM,
}

/// <summary>
/// The platform's catalog, in one place: blades, storage classes, zones, SKUs and the figures
/// derived from them (docs/rules.md). Pure functions, no I/O.
/// </summary>
public static class PlatformCatalog
{
    /// <summary>The region the operator serves.</summary>
    public const string Region = "FR1";

    /// <summary>Memory reserved per host at minimum, and by default (C4).</summary>
    public const int MinimumMemoryPerHostGiB = 128;

    /// <summary>Hosts per Cpool (C1).</summary>
    public const int MinimumHosts = 1;

    /// <summary>Hosts per Cpool (C1).</summary>
    public const int MaximumHosts = 32;

    /// <summary>Hosts needed for HA restart, the 99.99 % SLA (C5) and hypervisor updates (C8).</summary>
    public const int HighAvailabilityMinimumHosts = 2;

    /// <summary>Average memory use per host above which ESXi compresses and balloons (C6).</summary>
    public const int MemoryPressurePercent = 85;

    /// <summary>Smallest SAN volume (B1).</summary>
    public const int MinimumVolumeGiB = 500;

    /// <summary>
    /// Largest SAN volume (B1): 64 TiB. A volume is a VMware datastore, and VMFS 6 formats at most
    /// 64 TiB (vSphere 8 configuration maximums); the FlashSystem's own bound per LUN (256 TiB) is higher.
    /// </summary>
    public const int MaximumVolumeGiB = 64 * GiBPerTiB;

    /// <summary>
    /// Largest capacity a status reports for a datastore the platform shows (1 PiB): room above
    /// <see cref="MaximumVolumeGiB"/> for a datastore observed rather than made by the operator.
    /// </summary>
    public const int MaximumObservedCapacityGiB = 1024 * GiBPerTiB;

    /// <summary>The most committed IOPS per TiB of any class (FLASH Ultra, B2).</summary>
    public const int HighestIopsPerTiB = 15000;

    /// <summary>The highest IOPS limit of a volume: the highest class on the largest volume (B2).</summary>
    public const int MaximumIopsLimit = HighestIopsPerTiB * (MaximumVolumeGiB / GiBPerTiB);

    /// <summary>The most RAM of a blade of catalog v3 (PERFORMANCE 3).</summary>
    public const int LargestBladeMemoryGiB = 1536;

    /// <summary>The largest memory reservation of any Cpool: 32 hosts of the largest blade (C1, C4).</summary>
    public const int MaximumCpoolMemoryGiB = MaximumHosts * LargestBladeMemoryGiB;

    /// <summary>GPUs of a PERFORMANCE 4 host (C10).</summary>
    public const int GpusPerGpuHost = 2;

    /// <summary>The most GPUs of any Cpool: 32 PERFORMANCE 4 hosts (C1, C10).</summary>
    public const int MaximumCpoolGpus = MaximumHosts * GpusPerGpuHost;

    /// <summary>The most VMs a Cpool holds: vSphere 8 registers at most 10,000 VMs per cluster.</summary>
    public const int MaximumVirtualMachinesPerCpool = 10000;

    /// <summary>802.1Q VLAN ids the platform chooses from (N5).</summary>
    public const int MinimumVlanId = 1;

    /// <summary>802.1Q VLAN ids the platform chooses from (N5).</summary>
    public const int MaximumVlanId = 4094;

    /// <summary>Datastore headroom kept for backup snapshots, on top of the VMs' .vswp files (B7).</summary>
    public const decimal SnapshotHeadroomFraction = 0.10m;

    /// <summary>Bounds of the VM replication RPO (V1).</summary>
    public const int MinimumRpoHours = 1;

    /// <summary>Bounds of the VM replication RPO (V1).</summary>
    public const int MaximumRpoHours = 24;

    /// <summary>GiB in one TiB: the API reads the page's "per To" as per TiB.</summary>
    public const int GiBPerTiB = 1024;

    /// <summary>The blades of catalog v3.</summary>
    public static IReadOnlyList<Blade> Blades { get; } =
    [
        new(BladeType.Eco, "ECO v3", "eco", 384, 20, 40, 10, 0),
        new(BladeType.Standard, "STANDARD v3", "standard", 384, 32, 64, 25, 0),
        new(BladeType.Advance, "ADVANCE v3", "advance", 768, 48, 96, 25, 0),
        new(BladeType.Perf1, "PERFORMANCE 1 v3", "perf1", 384, 16, 32, 25, 0),
        new(BladeType.Perf2, "PERFORMANCE 2 v3", "perf2", 768, 36, 72, 25, 0),
        new(BladeType.Perf3, "PERFORMANCE 3 v3", "perf3", LargestBladeMemoryGiB, 56, 112, 25, 0),
        new(BladeType.Perf4, "PERFORMANCE 4 v3", "perf4", 512, 32, 64, 25, GpusPerGpuHost),
    ];

    /// <summary>The storage classes.</summary>
    public static IReadOnlyList<StorageClassInfo> StorageClasses { get; } =
    [
        new(StorageClass.Essential, "FLASH Essential", "live", 500, BillingUnit.GiB, GlobalMirror: true),
        new(StorageClass.Standard, "FLASH Standard", "medium", 1500, BillingUnit.GiB, GlobalMirror: true),
        new(StorageClass.Premium, "FLASH Premium", "premium", 3000, BillingUnit.GiB, GlobalMirror: true),
        new(StorageClass.Enterprise, "FLASH Enterprise", "enterprise", 7500, BillingUnit.GiB, GlobalMirror: false),
        new(StorageClass.Ultra, "FLASH Ultra", "ultra", HighestIopsPerTiB, BillingUnit.GiB, GlobalMirror: false),
        new(StorageClass.Mass, "MASS STORAGE Archive", "mass", null, BillingUnit.TiB, GlobalMirror: false),
    ];

    /// <summary>The zones of the region (G1).</summary>
    public static IReadOnlyList<Zone> Zones { get; } = Enum.GetValues<Zone>();

    /// <summary>The zones where the HSM service runs (H2).</summary>
    public static IReadOnlyList<Zone> HsmZones { get; } = [Zone.PAR7S, Zone.TH3S, Zone.AZ07];

    /// <summary>The platform's own name of each zone, as its virtual datacentres are named.</summary>
    public static string PlatformZoneName(Zone zone) => zone switch
    {
        Zone.PAR7S => "FR1-AZ05",
        Zone.TH3S => "FR1-AZ06",
        Zone.AZ07 => "FR1-AZ07",
        _ => throw new ArgumentOutOfRangeException(nameof(zone), zone, "Unknown zone."),
    };

    /// <summary>SKU of backup storage, per TiB (B9).</summary>
    public static string BackupStorageSku => StorageSku("backup");

    /// <summary>SKU of the Global Mirror licence, per TiB replicated (B15).</summary>
    public static string GlobalMirrorLicenceSku => Sku("iaas:storage:licence:globalmirror:v1");

    /// <summary>SKU of VM backup, per VM (K5).</summary>
    public static string BackupVmSku => Sku("iaas:backup:vm:v1");

    /// <summary>SKU of VM replication, per VM (V5).</summary>
    public static string VmReplicationSku => Sku("iaas:vmware:licence:replication:v1");

    /// <summary>SKU of HSM-backed VM encryption, per VM (H7).</summary>
    public static string HsmEncryptionSku => Sku("iaas:vmware:encryption:hsm:v1");

    /// <summary>The catalog entry of a blade.</summary>
    public static Blade Blade(BladeType type) => Blades.Single(b => b.Type == type);

    /// <summary>The catalog entry of a storage class.</summary>
    public static StorageClassInfo StorageClassOf(StorageClass storageClass) => StorageClasses.Single(c => c.Class == storageClass);

    // The figures below are checked: a count far out of the platform's range (a schema bypassed,
    // a platform answer gone wrong) throws OverflowException instead of wrapping into a wrong figure.

    /// <summary>Smallest memory reservation of a Cpool: hosts × 128 GiB; also the default (C4).</summary>
    public static int MinimumMemoryGiB(int hosts) => checked(hosts * MinimumMemoryPerHostGiB);

    /// <summary>Largest memory reservation of a Cpool: hosts × the blade's RAM (C4).</summary>
    public static int MaximumMemoryGiB(BladeType blade, int hosts) => checked(hosts * Blade(blade).MemoryGiB);

    /// <summary>GPUs a Cpool exposes: 2 L40S per PERFORMANCE 4 host, none otherwise (C10).</summary>
    public static int Gpus(BladeType blade, int hosts) => checked(hosts * Blade(blade).GpusPerHost);

    /// <summary>
    /// IOPS limit of a volume: the class's IOPS per TiB × its size in TiB, rounded down (B2);
    /// null for mass storage, which has no commitment (B5).
    /// </summary>
    public static long? IopsLimit(StorageClass storageClass, long sizeGiB) =>
        StorageClassOf(storageClass).IopsPerTiB is { } perTiB ? checked(perTiB * sizeGiB) / GiBPerTiB : null;

    /// <summary>
    /// Free space a datastore needs for the VMs it starts: their memory (.vswp files, C7) plus
    /// 10 % of its capacity for backup snapshots (B7).
    /// </summary>
    public static decimal RequiredHeadroomGiB(long capacityGiB, long startedVmMemoryGiB) =>
        checked(startedVmMemoryGiB + (capacityGiB * SnapshotHeadroomFraction));

    /// <summary>A size in GiB as TiB, for the SKUs billed per TiB.</summary>
    public static decimal ToTiB(long sizeGiB) => decimal.Round((decimal)sizeGiB / GiBPerTiB, 3);

    internal static string StorageSku(string code) => Sku($"iaas:storage:bloc:{code}:v1");

    private static string Sku(string rest) => $"csp:{Region.ToLowerInvariant()}:{rest}";
}

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;

namespace CloudTemple.Operator.Simulator.Tests.Support;

/// <summary>
/// A platform with one organization and its tenant (subscribed to HSM), a 3-host STANDARD Cpool
/// and a 2 TiB essential volume in PAR7S, and a standby Cpool and volume in TH3S.
/// </summary>
internal sealed class World
{
    public World(SimulatorOptions? options = null)
    {
        Platform = new SimulatedPlatform(Clock, options ?? SimulatorOptions.Immediate);
        Organization = Platform.AddOrganization("ACME");
        Tenant = Platform.AddTenant(Organization.Id, "acme-prod", hsmSubscription: true).Id;
        CpoolId = Platform.CreateCpool(Tenant, new CpoolRequest("prod", Zone.PAR7S, BladeType.Standard, 3)).ResourceId;
        VolumeId = Platform.CreateBlockVolume(Tenant, "prod-ds", Zone.PAR7S, StorageClass.Essential, 2048).ResourceId;
        Platform.MountBlockVolume(VolumeId, CpoolId);
        StandbyCpoolId = Platform.CreateCpool(Tenant, new CpoolRequest("standby", Zone.TH3S, BladeType.Standard, 2)).ResourceId;
        StandbyVolumeId = Platform.CreateBlockVolume(Tenant, "standby-ds", Zone.TH3S, StorageClass.Essential, 2048).ResourceId;
        Platform.MountBlockVolume(StandbyVolumeId, StandbyCpoolId);
    }

    public FakeClock Clock { get; } = new();

    public SimulatedPlatform Platform { get; }

    public Organization Organization { get; }

    public string Tenant { get; }

    public string CpoolId { get; }

    public string VolumeId { get; }

    public string StandbyCpoolId { get; }

    public string StandbyVolumeId { get; }

    public VirtualMachine AddVm(
        string name,
        int memoryGiB = 16,
        long diskGiB = 100,
        PowerState power = PowerState.PoweredOff,
        int snapshots = 0,
        bool writeHeavy = false,
        int? host = null) =>
        Platform.AddVirtualMachine(Tenant, new VirtualMachineRequest(
            name, CpoolId, VolumeId, memoryGiB, [new VirtualDisk("Hard disk 1", diskGiB)], power, snapshots, writeHeavy, host));

    /// <summary>Asserts that the call is refused under the rule, with the rule in its message.</summary>
    public static PlatformRefusedException Refused(string rule, Func<object> call)
    {
        var refusal = Assert.Throws<PlatformRefusedException>(call);
        Assert.Equal(rule, refusal.Rule);
        Assert.EndsWith($"({rule})", refusal.Message, StringComparison.Ordinal);
        return refusal;
    }
}

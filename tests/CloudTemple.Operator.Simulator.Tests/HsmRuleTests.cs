using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;
using EncryptionBlocker = CloudTemple.Operator.Entities.EncryptionBlocker;
using EncryptionState = CloudTemple.Operator.Entities.EncryptionState;
using ReplicationMode = CloudTemple.Operator.Entities.ReplicationMode;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class HsmRuleTests
{
    private readonly World _world = new();
    private readonly string _provider;

    public HsmRuleTests()
    {
        _provider = _world.Platform.CreateHsmKeyProvider(_world.Tenant, "kms").ResourceId;
        _world.Platform.ActivateHsmKeyProvider(_provider, _world.CpoolId);
    }

    private void AssertRefusedFor(string vm, EncryptionBlocker blocker, string words)
    {
        var refusal = World.Refused("H4", () => _world.Platform.EncryptVirtualMachine(_provider, vm));

        Assert.Equal([blocker], refusal.Blockers);
        Assert.Contains(words, refusal.Message, StringComparison.Ordinal);
        Assert.False(_world.Platform.GetVirtualMachine(_world.Tenant, vm)!.Encrypted);
        var report = _world.Platform.GetEncryptionReport(_provider, vm);
        Assert.Equal((EncryptionState.Blocked, blocker), (report.State, Assert.Single(report.Blockers)));
    }

    [Fact]
    public void H1_H2_TheProvider_ReportsItsHsmKmsAndZones()
    {
        Assert.Equal("Thales Luna S790 (FIPS 140-3 level 3)", HsmKeyProvider.Hsm);
        Assert.Equal("Thales CipherTrust Manager", HsmKeyProvider.Kms);
        Assert.Equal([Zone.PAR7S, Zone.TH3S, Zone.AZ07], HsmKeyProvider.Zones);
        Assert.StartsWith("kmip://", _world.Platform.GetHsmKeyProvider(_provider)!.KmipEndpoint, StringComparison.Ordinal);
    }

    [Fact]
    public void H4_APoweredOnVm_IsRefusedEncryption()
    {
        _world.AddVm("app", power: PowerState.PoweredOn);
        AssertRefusedFor("app", EncryptionBlocker.PoweredOn, "powered on");
    }

    [Fact]
    public void H4_AVmWithSnapshots_IsRefusedEncryption()
    {
        _world.AddVm("app", snapshots: 2);
        AssertRefusedFor("app", EncryptionBlocker.HasSnapshots, "has snapshots");
    }

    [Fact]
    public void H4_AReplicatedVm_IsRefusedEncryption()
    {
        _world.AddVm("app");
        _world.Platform.CreateVmReplication(_world.Tenant, "app", _world.StandbyCpoolId, _world.StandbyVolumeId, 1);
        AssertRefusedFor("app", EncryptionBlocker.Replicated, "replicated");
    }

    [Fact]
    public void H4_AVmOfATenantWithoutSubscription_IsRefusedEncryption()
    {
        var world = new World();
        var tenant = world.Platform.AddTenant(world.Organization.Id, "no-hsm").Id;
        var cpool = world.Platform.CreateCpool(tenant, new CpoolRequest("c", Zone.PAR7S, BladeType.Eco, 1)).ResourceId;
        var volume = world.Platform.CreateBlockVolume(tenant, "v", Zone.PAR7S, StorageClass.Essential, 500).ResourceId;
        world.Platform.MountBlockVolume(volume, cpool);
        world.Platform.AddVirtualMachine(tenant, new VirtualMachineRequest("app", cpool, volume, 8, []));
        var provider = world.Platform.CreateHsmKeyProvider(tenant, "kms").ResourceId;
        world.Platform.ActivateHsmKeyProvider(provider, cpool);

        var refusal = World.Refused("H4", () => world.Platform.EncryptVirtualMachine(provider, "app"));

        Assert.Equal([EncryptionBlocker.NotSubscribed], refusal.Blockers);
        Assert.False(world.Platform.GetVirtualMachine(tenant, "app")!.Encrypted);
    }

    [Fact]
    public void H4_AVmOnACpoolWhereTheProviderIsNotActive_IsRefusedEncryption()
    {
        var other = _world.Platform.CreateCpool(_world.Tenant, new CpoolRequest("other", Zone.PAR7S, BladeType.Eco, 1)).ResourceId;
        _world.Platform.MountBlockVolume(_world.VolumeId, other);
        _world.Platform.AddVirtualMachine(_world.Tenant, new VirtualMachineRequest("app", other, _world.VolumeId, 8, []));
        AssertRefusedFor("app", EncryptionBlocker.ProviderNotActive, "not activated");
    }

    [Fact]
    public void H4_EveryUnmetPrerequisite_IsNamed()
    {
        _world.AddVm("app", power: PowerState.PoweredOn, snapshots: 1);

        var refusal = World.Refused("H4", () => _world.Platform.EncryptVirtualMachine(_provider, "app"));

        Assert.Equal([EncryptionBlocker.PoweredOn, EncryptionBlocker.HasSnapshots], refusal.Blockers);
    }

    [Fact]
    public void H4_AVmMeetingEveryPrerequisite_IsEncrypted()
    {
        _world.AddVm("app");
        Assert.Equal(EncryptionState.Pending, _world.Platform.GetEncryptionReport(_provider, "app").State);

        _world.Platform.EncryptVirtualMachine(_provider, "app");

        Assert.Equal(EncryptionState.Encrypted, _world.Platform.GetEncryptionReport(_provider, "app").State);
    }

    [Fact]
    public void X1_AnEncryptedVm_CannotBeReplicatedByVmReplication()
    {
        _world.AddVm("app");
        _world.Platform.EncryptVirtualMachine(_provider, "app");

        var refusal = World.Refused("X1", () => _world.Platform.CreateVmReplication(_world.Tenant, "app", _world.StandbyCpoolId, _world.StandbyVolumeId, 1));

        Assert.Contains("both HSM-encrypted and replicated", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetVmReplications(_world.Tenant));
    }

    [Fact]
    public void X1_AVolumeHoldingAnEncryptedVm_CannotBeGlobalMirrored()
    {
        _world.AddVm("app");
        _world.Platform.EncryptVirtualMachine(_provider, "app");
        var volumes = _world.Platform.GetBlockVolumes(_world.Tenant).Count;

        World.Refused("X1", () => _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId));

        Assert.Null(_world.Platform.GetBlockVolume(_world.VolumeId)!.Replication);
        Assert.Equal(volumes, _world.Platform.GetBlockVolumes(_world.Tenant).Count);
    }

    [Fact]
    public void X1_AVmOnAGlobalMirrorVolume_CannotBeEncrypted()
    {
        _world.AddVm("app");
        _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId);

        AssertRefusedFor("app", EncryptionBlocker.Replicated, "(X1)");
    }

    [Fact]
    public void H3_AProviderThatStillEncryptsVms_CannotBeDeleted()
    {
        _world.AddVm("app");
        _world.Platform.EncryptVirtualMachine(_provider, "app");

        World.Refused("H3", () => _world.Platform.Delete(_provider));

        Assert.Equal(ProvisioningState.Ready, _world.Platform.GetHsmKeyProvider(_provider)!.State);
    }
}

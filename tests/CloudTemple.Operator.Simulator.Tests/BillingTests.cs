using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;
using ReplicationMode = CloudTemple.Operator.Entities.ReplicationMode;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class BillingTests
{
    private readonly World _world = new();

    [Fact]
    public void X3_ACpool_IsBilledPerHostOfItsBlade()
    {
        Assert.Equal([new BillingLine("csp:fr1:iaas:vmware:standard:v3", 3, BillingUnit.Host)], _world.Platform.GetBilling(_world.CpoolId));
    }

    [Fact]
    public void X3_AFlashVolume_IsBilledPerGiB_PlusTheGlobalMirrorLicencePerTiB()
    {
        _world.Platform.EnableGlobalMirror(_world.VolumeId, ReplicationMode.Async, Zone.TH3S, _world.StandbyCpoolId);

        Assert.Equal(
            [
                new BillingLine("csp:fr1:iaas:storage:bloc:live:v1", 2048, BillingUnit.GiB),
                new BillingLine(PlatformCatalog.GlobalMirrorLicenceSku, 2, BillingUnit.TiB),
            ],
            _world.Platform.GetBilling(_world.VolumeId));
    }

    [Fact]
    public void X3_AMassVolume_IsBilledPerTiB()
    {
        var id = _world.Platform.CreateBlockVolume(_world.Tenant, "archive", Zone.PAR7S, StorageClass.Mass, 5120).ResourceId;

        Assert.Equal([new BillingLine("csp:fr1:iaas:storage:bloc:mass:v1", 5, BillingUnit.TiB)], _world.Platform.GetBilling(id));
    }

    [Fact]
    public void X3_BackupReplicationAndEncryption_AreBilledPerVm()
    {
        _world.AddVm("a");
        _world.AddVm("b");
        _world.AddVm("c");
        var policy = _world.Platform.RequestBackupPolicy(new BackupPolicyRequest(
            "ACME", "acme-prod", "daily", new BackupContact("Jane", "jane@acme.example", "+33 1 23 45 67 89"), new BackupRetention(7))).ResourceId;
        _world.Platform.AssignBackupPolicy(policy, "a");
        _world.Platform.AssignBackupPolicy(policy, "b");
        var replication = _world.Platform.CreateVmReplication(_world.Tenant, "a", _world.StandbyCpoolId, _world.StandbyVolumeId, 1).ResourceId;
        var provider = _world.Platform.CreateHsmKeyProvider(_world.Tenant, "kms").ResourceId;
        _world.Platform.ActivateHsmKeyProvider(provider, _world.CpoolId);
        _world.Platform.EncryptVirtualMachine(provider, "c");

        Assert.Equal([new BillingLine(PlatformCatalog.BackupVmSku, 2, BillingUnit.VM)], _world.Platform.GetBilling(policy));
        Assert.Equal([new BillingLine(PlatformCatalog.VmReplicationSku, 1, BillingUnit.VM)], _world.Platform.GetBilling(replication));
        Assert.Equal([new BillingLine(PlatformCatalog.HsmEncryptionSku, 1, BillingUnit.VM)], _world.Platform.GetBilling(provider));
    }
}

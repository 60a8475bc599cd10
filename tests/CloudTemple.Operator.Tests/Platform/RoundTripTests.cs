using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;

namespace CloudTemple.Operator.Tests.Platform;

/// <summary>Create → observe → update → delete per subsystem against the simulator service, figures checked.</summary>
public sealed class RoundTripTests
{
    [Fact]
    public async Task Compute_CreateObserveResizeUpdateHypervisorDelete()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var compute = harness.Platform.Compute;

        var created = await compute.CreateCpoolAsync(new CpoolSpecification("rt-cpool", Zone.AZ07, BladeType.Advance, 2, MemoryGiB: 512));
        Assert.Equal(created.ResourceId, (await harness.WaitAsync(created)).ResultId);

        var cpool = await compute.GetCpoolAsync(created.ResourceId!);
        Assert.Equal((2, 512L, 256, 1536, 0, true, 0), (cpool.Hosts, cpool.MemoryGiB, cpool.MemoryMinGiB, cpool.MemoryMaxGiB, cpool.Gpus, cpool.HighAvailabilityApplicable, cpool.VirtualMachines));
        Assert.Equal(ResourceState.Ready, cpool.State);
        Assert.Equal(new BillingItem(PlatformCatalog.Blade(BladeType.Advance).Sku, 2, BillingUnit.Host), Assert.Single(cpool.Billing));
        Assert.Equal(cpool.Id, (await compute.FindCpoolByNameAsync("rt-cpool"))!.Id);

        await harness.WaitAsync(await compute.UpdateCpoolAsync(cpool.Id, new CpoolSpecification("rt-cpool", Zone.AZ07, BladeType.Advance, 3, MemoryGiB: 768)));
        cpool = await compute.GetCpoolAsync(cpool.Id);
        Assert.Equal((3, 768L, 2304), (cpool.Hosts, cpool.MemoryGiB, cpool.MemoryMaxGiB));
        Assert.Equal(3, Assert.Single(cpool.Billing).Quantity);

        await harness.WaitAsync(await compute.UpdateHypervisorAsync(cpool.Id, "24674464"));
        Assert.Equal("24674464", (await compute.GetCpoolAsync(cpool.Id)).HypervisorBuild);

        await harness.WaitAsync(await compute.DeleteCpoolAsync(cpool.Id));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => compute.GetCpoolAsync(cpool.Id));
        Assert.Null(await compute.FindCpoolByNameAsync("rt-cpool"));
    }

    [Fact]
    public async Task Compute_ReadsTheSeededCpoolsAndVirtualMachines()
    {
        await using var harness = await PlatformHarness.StartAsync();

        var prod = (await harness.Platform.Compute.FindCpoolByNameAsync("prod-par7s"))!;
        var vms = await harness.Platform.Compute.GetVirtualMachinesAsync();

        Assert.Equal((Zone.PAR7S, BladeType.Standard, 3, 768L), (prod.Zone, prod.BladeType, prod.Hosts, prod.MemoryGiB));
        Assert.Equal(vms.Count(v => v.CpoolId == prod.Id), prod.VirtualMachines);
        Assert.InRange(prod.MemoryUsagePercent, 0.1m, 100m);
        Assert.NotNull(prod.HypervisorBuild);
        var db = Assert.Single(vms, v => v.Name == "db-01");
        Assert.Equal(["Hard disk 1", "Hard disk 2"], db.Disks);
        Assert.Contains(vms, v => v.Name == "web-01" && v.PoweredOn);
    }

    [Fact]
    public async Task Storage_CreateMountGrowMirrorFailoverDelete()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var storage = harness.Platform.Storage;
        var edge = (await harness.Platform.Compute.FindCpoolByNameAsync("edge-az07"))!;
        var standby = (await harness.Platform.Compute.FindCpoolByNameAsync("dr-th3s"))!;

        var created = await storage.CreateVolumeAsync(new VolumeSpecification("rt-volume", Zone.AZ07, StorageClass.Premium, 2048));
        await harness.WaitAsync(created);
        var volume = await storage.GetVolumeAsync(created.ResourceId!);
        Assert.Equal((2048L, 2048L, 2048L, (long?)6000), (volume.SizeGiB, volume.CapacityGiB, volume.FreeGiB, volume.IopsLimit));
        Assert.False(string.IsNullOrEmpty(volume.Encryption));
        Assert.Equal(new BillingItem(PlatformCatalog.StorageClassOf(StorageClass.Premium).Sku, 2048, BillingUnit.GiB), Assert.Single(volume.Billing));

        await harness.WaitAsync(await storage.MountAsync(volume.Id, edge.Id));
        await harness.WaitAsync(await storage.UpdateVolumeAsync(volume.Id, StorageClass.Premium, 4096));
        volume = (await storage.FindVolumeByNameAsync("rt-volume"))!;
        Assert.Equal((4096L, (long?)12000), (volume.CapacityGiB, volume.IopsLimit));
        Assert.Equal([edge.Id], volume.CpoolIds);

        await harness.WaitAsync(await storage.EnableGlobalMirrorAsync(volume.Id, new GlobalMirrorSpecification(Zone.TH3S, standby.Id)));
        volume = await storage.GetVolumeAsync(volume.Id);
        Assert.Equal((Zone.TH3S, standby.Id), (volume.Replication!.TargetZone, volume.Replication.StandbyCpoolId));
        Assert.Contains(volume.Billing, b => b.Sku == PlatformCatalog.GlobalMirrorLicenceSku && b.Quantity == 4m && b.Unit == BillingUnit.TiB);

        await harness.WaitAsync(await storage.FailoverAsync(volume.Id));
        Assert.Equal(MirrorState.FailedOver, (await storage.GetVolumeAsync(volume.Id)).Replication!.State);

        await Assert.ThrowsAsync<PlatformRefusedException>(() => storage.UpdateVolumeAsync(volume.Id, StorageClass.Premium, 1024));
        await harness.WaitAsync(await storage.UnmountAsync(volume.Id, edge.Id));
        await harness.WaitAsync(await storage.DeleteVolumeAsync(volume.Id));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => storage.GetVolumeAsync(volume.Id));
    }

    [Fact]
    public async Task Network_CreateShareUpdateDelete()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var network = harness.Platform.Network;
        var prod = (await harness.Platform.Compute.FindCpoolByNameAsync("prod-par7s"))!;

        var created = await network.CreateVlanAsync(new VlanSpecification("rt-vlan", [Zone.PAR7S, Zone.TH3S], [prod.Id], [PlatformHarness.AcmeStagingTenant]));
        await harness.WaitAsync(created);
        var vlan = await network.GetVlanAsync(created.ResourceId!);
        Assert.InRange(vlan.VlanId!.Value, 1, 4094);
        Assert.Equal([Zone.PAR7S, Zone.TH3S], vlan.Zones);
        Assert.Equal([PlatformHarness.AcmeTenant, PlatformHarness.AcmeStagingTenant], vlan.Tenants);
        Assert.Equal([prod.Id], vlan.CpoolIds);
        Assert.Empty(vlan.Billing);

        var refusal = await Assert.ThrowsAsync<PlatformRefusedException>(() => network.UpdateVlanAsync(vlan.Id, new VlanSpecification("rt-vlan", [], [], [])));
        Assert.Equal("N2", refusal.Rule);
        await harness.WaitAsync(await network.UpdateVlanAsync(vlan.Id, new VlanSpecification("rt-vlan", [Zone.PAR7S, Zone.TH3S, Zone.AZ07], [prod.Id], [])));
        vlan = (await network.FindVlanByNameAsync("rt-vlan"))!;
        Assert.Equal(3, vlan.Zones.Count);
        Assert.Equal([PlatformHarness.AcmeTenant], vlan.Tenants);

        await harness.WaitAsync(await network.DeleteVlanAsync(vlan.Id));
        Assert.Null(await network.FindVlanByNameAsync("rt-vlan"));
    }

    [Fact]
    public async Task Backup_RequestAssignInventoryThenSlaAssignUnassignDelete()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var backup = harness.Platform.Backup;

        var requested = await backup.RequestPolicyAsync(new BackupPolicyRequestSpecification(
            "Acme Assurances", "acme-prod", "rt-daily", "Camille Martin", "camille@acme.example", "+33 1 23 45 67 89", new BackupRetentionSpecification(7, Weeks: 4)));
        await harness.WaitAsync(requested);
        var policy = await backup.GetPolicyAsync(requested.ResourceId!);
        Assert.Equal((BackupPolicyPhase.Active, true), (policy.Phase, policy.Immutable));
        Assert.False(string.IsNullOrEmpty(policy.Encryption));
        Assert.Empty(policy.Billing);

        var refusal = await Assert.ThrowsAsync<PlatformRefusedException>(() => backup.AssignAsync(policy.Id, new BackupAssignmentSpecification("db-01", [], Zone.PAR7S)));
        Assert.Equal("K1", refusal.Rule);
        await harness.WaitAsync(await backup.AssignAsync(policy.Id, new BackupAssignmentSpecification("db-01", ["Hard disk 2"])));
        policy = (await backup.FindPolicyByNameAsync("rt-daily"))!;
        var assignment = Assert.Single(policy.Assignments);
        Assert.Equal(["Hard disk 2"], assignment.ExcludedDisks);
        Assert.NotEqual(Zone.PAR7S, assignment.BackupZone);
        Assert.Equal(new BillingItem(PlatformCatalog.BackupVmSku, 1, BillingUnit.VM), Assert.Single(policy.Billing));

        // The public route: inventory job first, then the VM is known to the backup inventory, then the assignment.
        var web = Assert.Single(await harness.Platform.Compute.GetVirtualMachinesAsync(), v => v.Name == "web-02");
        Assert.False(await backup.IsInventoriedAsync(web.Id));
        await harness.WaitAsync(await backup.RunInventoryJobAsync());
        Assert.True(await backup.IsInventoriedAsync(web.Id));
        await Assert.ThrowsAsync<ArgumentException>(() => backup.AssignSlaPoliciesAsync([], [policy.Id]));
        await harness.WaitAsync(await backup.AssignSlaPoliciesAsync([web.Id], [policy.Id]));
        Assert.Contains((await backup.GetPolicyAsync(policy.Id)).Assignments, a => a.VirtualMachine == "web-02");

        await harness.WaitAsync(await backup.UnassignAsync(policy.Id, "db-01"));
        Assert.DoesNotContain((await backup.GetPolicyAsync(policy.Id)).Assignments, a => a.VirtualMachine == "db-01");
        await harness.WaitAsync(await backup.DeletePolicyAsync(policy.Id));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => backup.GetPolicyAsync(policy.Id));
    }

    [Fact]
    public async Task Replication_CreateObserveFailoverDelete()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var replication = harness.Platform.Replication;
        var target = (await harness.Platform.Compute.FindCpoolByNameAsync("dr-th3s"))!;
        var volume = (await harness.Platform.Storage.FindVolumeByNameAsync("base-th3s-ds01"))!;

        var refusal = await Assert.ThrowsAsync<PlatformRefusedException>(() => replication.CreateReplicationAsync(new VmReplicationSpecification("web-02", target.Id, volume.Id, 25)));
        Assert.Equal("V1", refusal.Rule);
        var created = await replication.CreateReplicationAsync(new VmReplicationSpecification("web-02", target.Id, volume.Id, 4));
        await harness.WaitAsync(created);
        var observed = await replication.GetReplicationAsync(created.ResourceId!);
        Assert.Equal((VmReplicationPhase.Replicating, Zone.PAR7S, Zone.TH3S, 4), (observed.Phase, observed.SourceZone, observed.TargetZone, observed.RpoHours));
        Assert.NotNull(observed.LastSyncTime);
        Assert.Equal(new BillingItem(PlatformCatalog.VmReplicationSku, 1, BillingUnit.VM), Assert.Single(observed.Billing));
        Assert.Equal(observed.Id, (await replication.FindReplicationByVirtualMachineAsync("web-02"))!.Id);

        await harness.WaitAsync(await replication.FailoverAsync(observed.Id));
        Assert.Equal(VmReplicationPhase.FailedOver, (await replication.GetReplicationAsync(observed.Id)).Phase);

        await harness.WaitAsync(await replication.DeleteReplicationAsync(observed.Id));
        Assert.Null(await replication.FindReplicationByVirtualMachineAsync("web-02"));
    }

    [Fact]
    public async Task KeyManagement_CreateActivateEncryptReportDecryptDelete()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var keys = harness.Platform.KeyManagement;
        var prod = (await harness.Platform.Compute.FindCpoolByNameAsync("prod-par7s"))!;

        var created = await keys.CreateProviderAsync("rt-hsm");
        await harness.WaitAsync(created);
        var provider = await keys.GetProviderAsync(created.ResourceId!);
        Assert.Equal(PlatformCatalog.HsmZones, provider.Zones);
        Assert.StartsWith("kmip://", provider.KmipEndpoint, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(provider.Hsm) || string.IsNullOrEmpty(provider.Kms));

        await harness.WaitAsync(await keys.ActivateAsync(provider.Id, prod.Id));
        Assert.Equal([prod.Id], (await keys.FindProviderByNameAsync("rt-hsm"))!.ActiveCpoolIds);
        var pay = await keys.GetEncryptionAsync(provider.Id, "pay-01");
        Assert.Equal(("pay-01", EncryptionState.Pending), (pay.VirtualMachine, pay.State));
        Assert.Empty(pay.Blockers);
        var web = await keys.GetEncryptionAsync(provider.Id, "web-01");
        Assert.Equal(EncryptionState.Blocked, web.State);
        Assert.Contains(EncryptionBlocker.PoweredOn, web.Blockers);

        await harness.WaitAsync(await keys.EncryptAsync(provider.Id, "pay-01"));
        Assert.Equal(EncryptionState.Encrypted, (await keys.GetEncryptionAsync(provider.Id, "pay-01")).State);
        Assert.Equal(new BillingItem(PlatformCatalog.HsmEncryptionSku, 1, BillingUnit.VM), Assert.Single((await keys.GetProviderAsync(provider.Id)).Billing));
        var inUse = await Assert.ThrowsAsync<PlatformRefusedException>(() => keys.DeleteProviderAsync(provider.Id));
        Assert.Equal("H3", inUse.Rule);

        await harness.WaitAsync(await keys.DecryptAsync(provider.Id, "pay-01"));
        await harness.WaitAsync(await keys.DeleteProviderAsync(provider.Id));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => keys.GetProviderAsync(provider.Id));
    }
}

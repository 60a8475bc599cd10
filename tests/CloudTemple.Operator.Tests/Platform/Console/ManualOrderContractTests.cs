using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>
/// The writes the console API lacks: each throws <see cref="ManualOrderRequiredException"/> whose
/// message names what to order (kind, zone, SKU × quantity from the catalog) and the fake console
/// receives nothing at all for it, not even a token exchange.
/// </summary>
public sealed class ManualOrderContractTests
{
    [Fact]
    public async Task CreatingACpool_IsAManualOrderOfItsBlades_InItsZone_AndNothingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var order = await Assert.ThrowsAsync<ManualOrderRequiredException>(
            () => platform.Compute.CreateCpoolAsync(new CpoolSpecification("prod-par7s", Zone.PAR7S, BladeType.Standard, 3)));

        Assert.Contains("create host clusters", order.Message, StringComparison.Ordinal);
        Assert.Contains("prod-par7s", order.Message, StringComparison.Ordinal);
        Assert.Contains("in zone PAR7S (FR1-AZ05)", order.Message, StringComparison.Ordinal);
        Assert.Contains($"3 × {PlatformCatalog.Blade(BladeType.Standard).Sku} (host)", order.Message, StringComparison.Ordinal);
        Assert.Equal(new BillingItem(PlatformCatalog.Blade(BladeType.Standard).Sku, 3, BillingUnit.Host), Assert.Single(order.Order!.Lines));
        Assert.Empty(console.Requests);
    }

    [Fact]
    public async Task CreatingAVolume_IsAManualOrderOfItsStorageClass_InItsZone_AndNothingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var order = await Assert.ThrowsAsync<ManualOrderRequiredException>(
            () => platform.Storage.CreateVolumeAsync(new VolumeSpecification("vol-th3s", Zone.TH3S, StorageClass.Premium, 2048)));

        Assert.Contains("create datastores or LUNs", order.Message, StringComparison.Ordinal);
        Assert.Contains("in zone TH3S (FR1-AZ06)", order.Message, StringComparison.Ordinal);
        Assert.Contains($"2048 × {PlatformCatalog.StorageClassOf(StorageClass.Premium).Sku} (GiB)", order.Message, StringComparison.Ordinal);
        Assert.Empty(console.Requests);
    }

    [Fact]
    public async Task CreatingAMassStorageVolume_IsOrderedInTiB()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var order = await Assert.ThrowsAsync<ManualOrderRequiredException>(
            () => platform.Storage.CreateVolumeAsync(new VolumeSpecification("archive", Zone.AZ07, StorageClass.Mass, 10240)));

        Assert.Contains("in zone AZ07 (FR1-AZ07)", order.Message, StringComparison.Ordinal);
        Assert.Contains($"10 × {PlatformCatalog.StorageClassOf(StorageClass.Mass).Sku} (TiB)", order.Message, StringComparison.Ordinal);
        Assert.Empty(console.Requests);
    }

    [Fact]
    public async Task CreatingAVlan_IsAManualOrderInItsZone_AndNothingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var order = await Assert.ThrowsAsync<ManualOrderRequiredException>(
            () => platform.Network.CreateVlanAsync(new VlanSpecification("vlan-prod", [Zone.AZ07], ["hc-az07"], [])));

        Assert.Contains("create VLANs", order.Message, StringComparison.Ordinal);
        Assert.Contains("vlan-prod", order.Message, StringComparison.Ordinal);
        Assert.Contains("in zone AZ07 (FR1-AZ07)", order.Message, StringComparison.Ordinal);
        Assert.Empty(console.Requests);
    }

    [Fact]
    public async Task DeletingACpool_IsAManualRequestNamingIt_AndNothingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var order = await Assert.ThrowsAsync<ManualOrderRequiredException>(() => platform.Compute.DeleteCpoolAsync("hc-par7s-1"));

        Assert.Contains("delete host clusters", order.Message, StringComparison.Ordinal);
        Assert.Contains("hc-par7s-1", order.Message, StringComparison.Ordinal);
        Assert.Empty(console.Requests);
    }

    [Fact]
    public async Task CreatingAVmReplication_IsASupportRequestBilledPerVm_AndNothingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var order = await Assert.ThrowsAsync<ManualOrderRequiredException>(
            () => platform.Replication.CreateReplicationAsync(new VmReplicationSpecification("web-01", "hc-th3s", "ds-th3s", 4)));

        Assert.Contains("set up VMware VM replication", order.Message, StringComparison.Ordinal);
        Assert.Contains("web-01", order.Message, StringComparison.Ordinal);
        Assert.Contains($"1 × {PlatformCatalog.VmReplicationSku} (VM)", order.Message, StringComparison.Ordinal);
        Assert.Empty(console.Requests);
    }

    [Fact]
    public async Task CreatingAnHsmKeyProvider_AndEncryptingAVm_AreManual_AndNothingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var create = await Assert.ThrowsAsync<ManualOrderRequiredException>(() => platform.KeyManagement.CreateProviderAsync("hsm-prod"));
        var encrypt = await Assert.ThrowsAsync<ManualOrderRequiredException>(() => platform.KeyManagement.EncryptAsync("kp-1", "web-01"));

        Assert.Contains("create HSM key providers", create.Message, StringComparison.Ordinal);
        Assert.Contains("hsm-prod", create.Message, StringComparison.Ordinal);
        Assert.Contains($"1 × {PlatformCatalog.HsmEncryptionSku} (VM)", encrypt.Message, StringComparison.Ordinal);
        Assert.Empty(console.Requests);
    }

    [Fact]
    public async Task LeavingDisksOutOfABackup_IsManual_AndNothingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        var platform = console.Connect();

        var order = await Assert.ThrowsAsync<ManualOrderRequiredException>(
            () => platform.Backup.AssignAsync("sla-daily", new BackupAssignmentSpecification("web-01", ["Hard disk 2"])));

        Assert.Contains("leave disks out of a backup", order.Message, StringComparison.Ordinal);
        Assert.Contains($"1 × {PlatformCatalog.BackupVmSku} (VM)", order.Message, StringComparison.Ordinal);
        Assert.Empty(console.Requests);
    }
}

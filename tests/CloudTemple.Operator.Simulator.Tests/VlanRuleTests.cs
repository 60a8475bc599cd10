using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class VlanRuleTests
{
    private readonly World _world = new();

    [Fact]
    public void N2_AVlan_SpansZonesAndCpoolsOfItsTenant()
    {
        var id = _world.Platform.CreateVlan(_world.Tenant, new VlanRequest("backbone", [Zone.PAR7S, Zone.TH3S], [_world.CpoolId, _world.StandbyCpoolId])).ResourceId;

        var vlan = _world.Platform.GetVlan(id)!;
        Assert.Equal([Zone.PAR7S, Zone.TH3S], vlan.Zones);
        Assert.Equal(ProvisioningState.Ready, vlan.State);
    }

    [Fact]
    public void N3_AVlanSharedWithATenantOfAnotherOrganization_IsRefused_AndNothingIsCreated()
    {
        var otherOrganization = _world.Platform.AddOrganization("Globex");
        var stranger = _world.Platform.AddTenant(otherOrganization.Id, "globex-prod").Id;

        var refusal = World.Refused("N3", () => _world.Platform.CreateVlan(_world.Tenant, new VlanRequest("shared", [Zone.PAR7S], SharedWithTenantIds: [stranger])));

        Assert.Contains("never to another organization", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetVlans(_world.Tenant));
    }

    [Fact]
    public void N3_AVlan_MayBeSharedWithTenantsOfItsOwnOrganization()
    {
        var sibling = _world.Platform.AddTenant(_world.Organization.Id, "acme-dev").Id;

        var id = _world.Platform.CreateVlan(_world.Tenant, new VlanRequest("shared", [Zone.PAR7S], SharedWithTenantIds: [sibling])).ResourceId;

        Assert.Equal([sibling], _world.Platform.GetVlan(id)!.SharedWithTenantIds);
    }

    [Fact]
    public void N5_AVlanIdChosenByTheTenant_IsRefused()
    {
        var refusal = World.Refused("N5", () => _world.Platform.CreateVlan(_world.Tenant, new VlanRequest("mine", [Zone.PAR7S], Dot1QId: 42)));

        Assert.Contains("chosen by the platform, never by the tenant", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetVlans(_world.Tenant));
    }

    [Fact]
    public void N5_ThePlatformChoosesIdsFrom1To4094_UniquePerTenant()
    {
        var sibling = _world.Platform.AddTenant(_world.Organization.Id, "acme-dev").Id;

        var ids = Enumerable.Range(0, 3)
            .Select(i => _world.Platform.GetVlan(_world.Platform.CreateVlan(_world.Tenant, new VlanRequest($"v{i}", [Zone.PAR7S])).ResourceId)!.Dot1QId)
            .ToList();
        var siblingId = _world.Platform.GetVlan(_world.Platform.CreateVlan(sibling, new VlanRequest("s", [Zone.PAR7S])).ResourceId)!.Dot1QId;

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids.Append(siblingId), id => Assert.InRange(id, 1, 4094));
    }
}

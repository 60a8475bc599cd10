using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Validation;
using k8s.Models;

namespace CloudTemple.Operator.Tests.Validation;

public sealed class OwnershipTests
{
    private static readonly DateTime s_early = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime s_late = s_early.AddHours(1);

    [Fact]
    public void TheObjectWhoseStatusHoldsTheId_OwnsIt_EvenWhenAnOlderObjectNamesItInSpec()
    {
        var owner = Ownership.OwnerOf([new("evil", "grab", s_early, Manages: false), new("demo", "prod", s_late, Manages: true)]);

        Assert.Equal(("demo", "prod"), (owner!.Namespace, owner.Name));
    }

    [Fact]
    public void WhenSeveralObjectsHoldTheId_TheOldestOwnsIt_ThenTheFirstByNamespaceAndName()
    {
        Assert.Equal("demo", Ownership.OwnerOf([new("evil", "grab", s_late, true), new("demo", "prod", s_early, true)])!.Namespace);
        Assert.Equal("a", Ownership.OwnerOf([new("b", "x", s_early, true), new("a", "x", s_early, true)])!.Namespace);
    }

    [Fact]
    public void AnAdopter_LosesToTheObjectThatManagesTheResource_AndTheOwnerDoesNotLoseToIt()
    {
        var demo = Vlan("demo", "prod", s_early, status: "vlan-1");
        var evil = Vlan("evil", "grab", s_late, spec: "vlan-1");
        ExternalIdClaim[] claims = [ExternalIdClaim.Of(demo, "vlan-1")!, ExternalIdClaim.Of(evil, "vlan-1")!];

        Assert.Equal("demo/prod", Ownership.OtherOwner(evil, "vlan-1", claims)?.ToString());
        Assert.Null(Ownership.OtherOwner(demo, "vlan-1", claims));
    }

    [Fact]
    public void TwoAdoptersRacing_AgreeOnOneOwner_TheOlder()
    {
        var first = Vlan("a", "one", s_early, spec: "vlan-1");
        var second = Vlan("b", "two", s_late, spec: "vlan-1");
        ExternalIdClaim[] claims = [ExternalIdClaim.Of(first, "vlan-1")!, ExternalIdClaim.Of(second, "vlan-1")!];

        Assert.Null(Ownership.OtherOwner(first, "vlan-1", claims));
        Assert.Equal("a/one", Ownership.OtherOwner(second, "vlan-1", claims)?.ToString());
    }

    [Fact]
    public void AnObjectAlone_OwnsTheIdItNames() =>
        Assert.Null(Ownership.OtherOwner(Vlan("demo", "prod", s_early, spec: "vlan-1"), "vlan-1", []));

    [Fact]
    public async Task TheWebhook_RefusesAnIdAnotherObjectNames_NamingThatObject()
    {
        var view = new InMemoryNamespaceView();
        view.Add(Vlan("demo", "prod", s_early, status: "vlan-1"));

        var violation = Assert.Single(await Ownership.CheckAsync(Vlan("evil", "grab", null, spec: "vlan-1"), old: null, view, CancellationToken.None));

        Assert.Equal("spec.externalId", violation.Field);
        Assert.Contains("already managed by Vlan demo/prod", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWebhook_LetsTheOwnerItselfAndAnUnchangedIdThrough()
    {
        var owner = Vlan("demo", "prod", s_early, spec: "vlan-1", status: "vlan-1");
        var view = new InMemoryNamespaceView();
        view.Add(owner);

        Assert.Empty(await Ownership.CheckAsync(owner, old: null, view, CancellationToken.None));
        Assert.Empty(await Ownership.CheckAsync(Vlan("evil", "grab", null, spec: "vlan-1"), old: Vlan("evil", "grab", null, spec: "vlan-1"), view, CancellationToken.None));
    }

    [Fact]
    public void ABackupPolicy_ForAnotherOrganizationOrTenant_NamesBothFields()
    {
        var policy = new BackupPolicy { Metadata = new V1ObjectMeta { Name = "daily" }, Spec = new BackupPolicySpec { Organization = "Globex", Tenant = "globex-prod" } };

        var violations = TenancyRules.Check(policy, new TenantIdentity("Acme Assurances", "acme-prod"));

        Assert.Equal(["spec.organization", "spec.tenant"], violations.Select(v => v.Field));
        Assert.All(violations, v => Assert.Contains("tenant 'acme-prod' of organization 'Acme Assurances'", v.Message, StringComparison.Ordinal));
        Assert.Empty(TenancyRules.Check(policy, new TenantIdentity("Globex", "globex-prod")));
    }

    private static Vlan Vlan(string ns, string name, DateTime? created, string? spec = null, string? status = null) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, CreationTimestamp = created },
        Spec = new VlanSpec { ExternalId = spec },
        Status = new VlanStatus { ExternalId = status },
    };
}

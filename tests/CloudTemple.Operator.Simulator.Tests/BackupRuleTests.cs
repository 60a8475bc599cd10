using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Tests.Support;
using BackupPolicyPhase = CloudTemple.Operator.Entities.BackupPolicyPhase;

namespace CloudTemple.Operator.Simulator.Tests;

public sealed class BackupRuleTests
{
    private static readonly BackupContact Contact = new("Jane Doe", "jane@acme.example", "+33 1 23 45 67 89");

    private readonly World _world = new();

    private static BackupPolicyRequest Request(string organization = "ACME", string tenant = "acme-prod") =>
        new(organization, tenant, "daily", Contact, new BackupRetention(Days: 7, Weeks: 4));

    [Fact]
    public void K1_BackupsInTheVmsOwnZone_AreRefused()
    {
        _world.AddVm("app");
        var policy = _world.Platform.RequestBackupPolicy(Request()).ResourceId;

        var refusal = World.Refused("K1", () => _world.Platform.AssignBackupPolicy(policy, "app", backupZone: Zone.PAR7S));

        Assert.Contains("outside the VM's availability zone", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetBackupPolicy(policy)!.Assignments);
    }

    [Fact]
    public void K1_ThePlatformStoresBackupsInAnotherZone_ImmutableAndEncrypted()
    {
        _world.AddVm("app");
        var policy = _world.Platform.RequestBackupPolicy(Request()).ResourceId;

        _world.Platform.AssignBackupPolicy(policy, "app");

        Assert.NotEqual(Zone.PAR7S, Assert.Single(_world.Platform.GetBackupPolicy(policy)!.Assignments).BackupZone);
        Assert.True(BackupPolicy.Immutable);
        Assert.Equal("AES-256 (xts-plain64)", BackupPolicy.Encryption);
    }

    public static TheoryData<BackupPolicyRequest> IncompleteRequests => new()
    {
        new BackupPolicyRequest("", "acme-prod", "daily", Contact, new BackupRetention(7)),
        new BackupPolicyRequest("ACME", " ", "daily", Contact, new BackupRetention(7)),
        new BackupPolicyRequest("ACME", "acme-prod", "daily", Contact with { Name = "" }, new BackupRetention(7)),
        new BackupPolicyRequest("ACME", "acme-prod", "daily", Contact with { Email = "" }, new BackupRetention(7)),
        new BackupPolicyRequest("ACME", "acme-prod", "daily", Contact with { Phone = "" }, new BackupRetention(7)),
        new BackupPolicyRequest("ACME", "acme-prod", "daily", Contact, new BackupRetention(0)),
        new BackupPolicyRequest("ACME", "acme-prod", "daily", Contact, new BackupRetention(7, Weeks: -1)),
    };

    [Theory]
    [MemberData(nameof(IncompleteRequests))]
    public void K2_AServiceRequestMissingAFieldOrARetention_IsRefused_AndNothingIsCreated(BackupPolicyRequest request)
    {
        var refusal = World.Refused("K2", () => _world.Platform.RequestBackupPolicy(request));

        Assert.Contains("backup policy", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetBackupPolicies());
    }

    [Fact]
    public void K2_AServiceRequest_IsPendingThenFulfilled()
    {
        var world = new World(SimulatorOptions.Immediate with { BackupServiceRequest = TimeSpan.FromHours(4) });
        var accepted = world.Platform.RequestBackupPolicy(Request());

        Assert.Equal(BackupPolicyPhase.Requested, world.Platform.GetBackupPolicy(accepted.ResourceId)!.Phase);
        world.Clock.Advance(TimeSpan.FromHours(4));

        Assert.Equal(BackupPolicyPhase.Active, world.Platform.GetBackupPolicy(accepted.ResourceId)!.Phase);
        Assert.Equal(OperationState.Completed, world.Platform.GetOperation(accepted.OperationId)!.State);
    }

    [Fact]
    public void K2_AServiceRequestForATenantOfAnotherOrganization_IsRefusedWithItsReason()
    {
        var accepted = _world.Platform.RequestBackupPolicy(Request(organization: "ACME", tenant: "unknown"));

        var policy = _world.Platform.GetBackupPolicy(accepted.ResourceId)!;
        Assert.Equal(BackupPolicyPhase.Refused, policy.Phase);
        Assert.Contains("does not belong to organization 'ACME'", policy.RefusalReason, StringComparison.Ordinal);
        Assert.Equal(policy.RefusalReason, _world.Platform.GetOperation(accepted.OperationId)!.Reason);
        World.Refused("K2", () => _world.Platform.AssignBackupPolicy(accepted.ResourceId, "app"));
    }

    [Fact]
    public void G2_AServiceRequestNamingAnotherOrganizationThanTheCallers_IsRefused_AndNothingIsCreated()
    {
        var globex = _world.Platform.AddOrganization("Globex");
        _world.Platform.AddTenant(globex.Id, "globex-prod", hsmSubscription: false);

        // The caller's token is acme-prod's: the body cannot speak for Globex's tenant.
        var refusal = World.Refused("G2", () => _world.Platform.RequestBackupPolicy(Request(organization: "Globex", tenant: "globex-prod"), requestedBy: _world.Tenant));

        Assert.Contains("these credentials are tenant 'acme-prod' of organization 'ACME'", refusal.Message, StringComparison.Ordinal);
        Assert.Empty(_world.Platform.GetBackupPolicies());
        var own = _world.Platform.RequestBackupPolicy(Request(), requestedBy: _world.Tenant);
        Assert.Equal(_world.Tenant, _world.Platform.GetBackupPolicy(own.ResourceId)!.TenantId);
    }

    [Fact]
    public void K3_ExcludingADiskTheVmDoesNotHave_IsRefused()
    {
        _world.AddVm("db");
        var policy = _world.Platform.RequestBackupPolicy(Request()).ResourceId;

        World.Refused("K3", () => _world.Platform.AssignBackupPolicy(policy, "db", ["Hard disk 9"]));

        Assert.Empty(_world.Platform.GetBackupPolicy(policy)!.Assignments);
    }

    [Fact]
    public void K3_APolicyIsSetPerVm_WithExcludedDisks()
    {
        _world.AddVm("db", writeHeavy: true);
        var policy = _world.Platform.RequestBackupPolicy(Request()).ResourceId;

        _world.Platform.AssignBackupPolicy(policy, "db", ["Hard disk 1"]);

        Assert.Equal(["Hard disk 1"], Assert.Single(_world.Platform.GetBackupPolicy(policy)!.Assignments).ExcludedDisks);
    }
}

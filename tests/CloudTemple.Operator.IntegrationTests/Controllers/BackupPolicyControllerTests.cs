using BackupPolicy = CloudTemple.Operator.Entities.BackupPolicy;
using CloudTemple.Operator.Controllers.BackupPolicies;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Simulator.Model;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// The BackupPolicy controller end to end: the real API server, the real simulator service on
/// loopback (the sandbox's inventory), and the operator's runtime with the platform driver.
/// </summary>
public sealed class BackupPolicyControllerTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with
        {
            BackupServiceRequest = TimeSpan.FromMilliseconds(400),
            BackupAssignment = TimeSpan.FromMilliseconds(200),
            Delete = TimeSpan.FromMilliseconds(200),
        };

    [Fact]
    public async Task APolicy_BecomesActive_AssignedToItsVms_WithExcludedDisks_AndBackupsOutsideTheirZone()
    {
        await using var host = StartOperator();

        await Apply("daily-assigned", "Acme Assurances", """
            virtualMachines:
                - name: web-01
                - name: db-01
                  excludedDisks: ["Hard disk 2"]
            """);

        var policy = await WaitForPolicyAsync("daily-assigned",
            p => IsReadyAt(p, 1) && p!.Status!.Conditions.Any(c => c.Type == BackupPolicyKind.Assigned && c.Status == ConditionStatus.True),
            "Ready and Assigned");
        var status = policy!.Status!;
        Assert.Equal(BackupPolicyPhase.Active, status.Phase);
        Assert.Equal(status.ExternalId, status.RequestId);
        Assert.True(status.Immutable);
        Assert.False(string.IsNullOrEmpty(status.Encryption));
        Assert.NotNull(status.BackupAvailabilityZone);
        Assert.NotEqual(nameof(Zone.PAR7S), status.BackupAvailabilityZone); // web-01 and db-01 run in PAR7S (K1, X2)
        Assert.Equal(["db-01", "web-01"], status.VirtualMachines.Select(v => v.Name).Order(StringComparer.Ordinal));
        Assert.All(status.VirtualMachines, v => Assert.Equal("Assigned", v.State));

        var onPlatform = Platform.GetBackupPolicy(status.ExternalId!)!;
        Assert.Equal("daily-assigned", onPlatform.Name);
        Assert.Equal(BackupPolicyPhase.Active, onPlatform.Phase);
        var db = Assert.Single(onPlatform.Assignments, a => a.VirtualMachine == "db-01");
        Assert.Equal(["Hard disk 2"], db.ExcludedDisks);
        Assert.All(onPlatform.Assignments, a => Assert.NotEqual(Zone.PAR7S, a.BackupZone));
        Assert.Contains(onPlatform.Assignments, a => a.VirtualMachine == "web-01");
    }

    [Fact]
    public async Task ARequestForAnotherOrganization_StallsNamingTheField_AndNothingReachesThePlatform()
    {
        await using var host = StartOperator();

        // The namespace's credentials are acme-prod's: a policy for Globex's tenant is not theirs to request (G2).
        await Apply("daily-globex", "Globex", "virtualMachines: [{name: web-01}]");

        var policy = await WaitForPolicyAsync("daily-globex",
            p => p?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True) == true,
            "Stalled");
        var stalled = policy!.Status!.Conditions.Single(c => c.Type == "Stalled");
        Assert.Equal(Reasons.InvalidSpec, stalled.Reason);
        Assert.Contains("spec.organization", stalled.Message, StringComparison.Ordinal);
        Assert.Contains("organization 'Acme Assurances'", stalled.Message, StringComparison.Ordinal);
        Assert.Null(policy.Status.RequestId);
        Assert.DoesNotContain(Platform.GetBackupPolicies(), p => p.Name == "daily-globex");
        Assert.DoesNotContain(policy.Status.Conditions, c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True);
    }

    [Fact]
    public async Task AVmTheProviderRefuses_IsReportedFailedByName_WhileTheOthersAreAssigned_AndThePolicyIsNotReady()
    {
        await using var host = StartOperator();

        await Apply("daily-partial", "Acme Assurances", """
            virtualMachines:
                - name: web-03
                - name: db-01
                  excludedDisks: ["Hard disk 9"]
            """);

        var policy = await WaitForPolicyAsync("daily-partial",
            p => IsStalledAt(p, 1) && p!.Status!.Conditions.Any(c => c.Type == BackupPolicyKind.Assigned && c.Reason == "Failed"),
            "Stalled with Assigned False");
        var status = policy!.Status!;
        Assert.Equal(Reasons.SpecNotMet, status.Conditions.Single(c => c.Type == ConditionTypes.Stalled).Reason);
        Assert.Equal(ConditionStatus.False, status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
        Assert.Equal("Assigned", Assert.Single(status.VirtualMachines, v => v.Name == "web-03").State);
        var db = Assert.Single(status.VirtualMachines, v => v.Name == "db-01");
        Assert.Equal("Failed", db.State);
        Assert.Contains("Hard disk 9", db.Message, StringComparison.Ordinal);
        Assert.Contains("db-01", status.Conditions.Single(c => c.Type == BackupPolicyKind.Assigned).Message, StringComparison.Ordinal);
        Assert.Equal(["web-03"], Platform.GetBackupPolicy(status.ExternalId!)!.Assignments.Select(a => a.VirtualMachine));
    }

    [Fact]
    public async Task APolicyNamingThousandsOfVmsThePlatformDoesNotKnow_WritesItsStatus_WithBoundedMessages()
    {
        await using var host = StartOperator();
        var vms = Enumerable.Range(1, ApiBounds.VirtualMachinesPerObject).Select(i => $"ghost-vm-{i:D4}").ToList();

        // Named one by one, the VMs made an Assigned message of ~140 KB, which the API server refused
        // (over 32,768 characters) at every status write, for ever.
        await Apply("many-ghosts", "Acme Assurances", "virtualMachines:\n" + string.Join('\n', vms.Select(v => $"    - name: {v}")));

        var policy = await WaitForPolicyAsync("many-ghosts",
            p => IsStalledAt(p, 1) && p!.Status!.Conditions.Any(c => c.Type == BackupPolicyKind.Assigned && c.Reason == "Failed"),
            "Stalled with Assigned False");
        var status = policy!.Status!;
        Assert.Equal(ApiBounds.VirtualMachinesPerObject, status.VirtualMachines.Count(v => v.State == "Failed"));
        Assert.All(status.Conditions, c => Assert.InRange(c.Message.Length, 1, BoundedText.ConditionMessageLength));
        var assigned = status.Conditions.Single(c => c.Type == BackupPolicyKind.Assigned).Message;
        Assert.StartsWith("Not assigned: ghost-vm-0001 (VM 'ghost-vm-0001' does not exist on the platform.); ghost-vm-0002", assigned, StringComparison.Ordinal);
        Assert.EndsWith("… and 990 more.", assigned, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.True, status.Conditions.Single(c => c.Type == ConditionTypes.Synced).Status);
    }

    [Fact]
    public async Task Deleting_RemovesThePolicyFromThePlatform()
    {
        await using var host = StartOperator();
        await Apply("daily-deleted", "Acme Assurances", "virtualMachines: [{name: web-02}]");
        var policy = await WaitForPolicyAsync("daily-deleted",
            p => IsReadyAt(p, 1) && p!.Status!.Conditions.Any(c => c.Type == BackupPolicyKind.Assigned && c.Status == ConditionStatus.True),
            "Ready and Assigned");
        var id = policy!.Status!.ExternalId!;
        Assert.NotNull(Platform.GetBackupPolicy(id));

        (await Kubectl.RunAsync("delete", "backuppolicy", "daily-deleted", "-n", Namespace, "--wait=false")).EnsureSuccess();

        await WaitForPolicyAsync("daily-deleted", p => p is null, "the policy to be gone");
        Assert.Null(Platform.GetBackupPolicy(id));
    }

    private static bool IsStalledAt(BackupPolicy? policy, long generation) =>
        policy?.Status?.Conditions.Any(c => c.Type == ConditionTypes.Stalled && c.Status == ConditionStatus.True && c.ObservedGeneration == generation) == true;

    private Task<BackupPolicy?> WaitForPolicyAsync(string name, Func<BackupPolicy?, bool> done, string what) => WaitForAsync(name, done, what);

    private RuntimeHost StartOperator()
    {
        var (connections, credentials) = Drivers();
        var reconciler = new BackupPolicyKind().Reconciler(connections, credentials, View, new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
        return RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, reconciler, configure: null, Loggers);
    }

    private async Task Apply(string name, string organization, string extra)
    {
        var indented = string.Join("\n", extra.Split('\n').Select(l => "  " + l));
        var yaml = $"""
            apiVersion: iaas.cloud-temple.com/v1alpha1
            kind: BackupPolicy
            metadata:
              name: {name}
            spec:
              organization: {organization}
              tenant: acme-prod
              contact:
                name: Camille Martin
                email: camille.martin@acme.example
                phone: "+33 1 23 45 67 89"
              retention:
                days: 30
                weeks: 8

            """ + indented + "\n";
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], yaml)).EnsureSuccess();
    }
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Controllers.Vlans;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Simulator.Model;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// The Vlan controller end to end: the real API server, the real simulator service on loopback (the
/// sandbox's inventory), and the operator's runtime with the platform driver.
/// </summary>
public sealed class VlanControllerTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    private const string AcmeStaging = "7c1e2d34-4b5a-4c6d-8e9f-0a1b2c3d4e5f";
    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with { Vlan = TimeSpan.FromMilliseconds(300) };

    [Fact]
    public async Task AVlan_BecomesReady_WithTheVlanIdThePlatformChose_ItsTenants_AndItsBill()
    {
        await using var host = StartOperator();

        await Apply("app-net", "availabilityZones: [PAR7S, TH3S]\n  sharedWithTenants: [" + AcmeStaging + "]");

        var vlan = await WaitForVlanAsync("app-net", v => IsReadyAt(v, 1), "Ready");
        var status = vlan!.Status!;
        Assert.InRange(status.VlanId!.Value, 1, 4094);
        Assert.Equal([Zone.PAR7S, Zone.TH3S], status.AvailabilityZones);
        Assert.Equal([AcmeTenant, AcmeStaging], status.Tenants);
        Assert.Null(status.ActivityId);
        var onPlatform = Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "app-net");
        Assert.Equal(onPlatform.Id, status.ExternalId);
        Assert.Equal(onPlatform.Dot1QId, status.VlanId);
        Assert.Contains(status.Conditions, c => c.Type == "Ready" && c.Reason == "Provisioned");
    }

    [Fact]
    public async Task ASpecChange_IsCarriedToThePlatform()
    {
        await using var host = StartOperator();
        await Apply("app-net", "availabilityZones: [PAR7S]");
        await WaitForVlanAsync("app-net", v => IsReadyAt(v, 1), "Ready");

        await Apply("app-net", "availabilityZones: [PAR7S, AZ07]");

        await WaitForVlanAsync("app-net", v => IsReadyAt(v, 2) && v!.Status!.AvailabilityZones.Contains(Zone.AZ07), "Ready with AZ07");
        Assert.Equal([Zone.PAR7S, Zone.AZ07], Platform.GetVlans(AcmeTenant).Single(v => v.Name == "app-net").Zones);
    }

    [Fact]
    public async Task AVlanOfTheSameNameOnThePlatform_IsNotAdoptedSilently_ButIsAdoptedByExternalId()
    {
        var existing = Platform.CreateVlan(AcmeTenant, new VlanRequest("legacy-net", [Zone.PAR7S])).ResourceId;
        await using var host = StartOperator();

        await Apply("legacy-net", "availabilityZones: [PAR7S]");
        var stalled = await WaitForVlanAsync("legacy-net", v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True) == true, "Stalled");
        var reason = stalled!.Status!.Conditions.Single(c => c.Type == "Stalled");
        Assert.Equal("AlreadyExists", reason.Reason);
        Assert.Contains($"set spec.externalId to {existing}", reason.Message, StringComparison.Ordinal);

        await Apply("legacy-net", $"availabilityZones: [PAR7S]\n  externalId: {existing}");

        var adopted = await WaitForVlanAsync("legacy-net", v => IsReadyAt(v, 2), "Ready once adopted");
        Assert.Equal(existing, adopted!.Status!.ExternalId);
        Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "legacy-net");
    }

    [Fact]
    public async Task ObserveMode_ImportsTheVlan_AndNeverWritesToThePlatform()
    {
        var existing = Platform.CreateVlan(AcmeTenant, new VlanRequest("observed-net", [Zone.TH3S])).ResourceId;
        var operationsBefore = Platform.GetOperationsOn(existing).Count;
        await using var host = StartOperator();

        await Apply("observed-net", "managementPolicy: Observe\n  availabilityZones: [PAR7S, AZ07]");

        var vlan = await WaitForVlanAsync("observed-net", v => IsReadyAt(v, 1), "Ready");
        Assert.Contains(vlan!.Status!.Conditions, c => c.Type == "Ready" && c.Reason == "Observed");
        Assert.Equal([Zone.TH3S], vlan.Status.AvailabilityZones); // what the platform has, not the spec
        Assert.Equal(operationsBefore, Platform.GetOperationsOn(existing).Count);

        (await Kubectl.RunAsync("delete", "vlan", "observed-net", "-n", Namespace)).EnsureSuccess();
        Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Id == existing);
    }

    [Fact]
    public async Task Deleting_RemovesThePlatformVlan_WhileOrphanLeavesIt()
    {
        await using var host = StartOperator();
        await Apply("deleted-net", "availabilityZones: [PAR7S]");
        await Apply("orphaned-net", "availabilityZones: [PAR7S]\n  deletionPolicy: Orphan");
        await WaitForVlanAsync("deleted-net", v => IsReadyAt(v, 1), "Ready");
        await WaitForVlanAsync("orphaned-net", v => IsReadyAt(v, 1), "Ready");

        (await Kubectl.RunAsync("delete", "vlan", "deleted-net", "orphaned-net", "-n", Namespace, "--wait=false")).EnsureSuccess();

        await WaitForVlanAsync("deleted-net", v => v is null, "deleted-net to be gone");
        await WaitForVlanAsync("orphaned-net", v => v is null, "orphaned-net to be gone");
        Assert.DoesNotContain(Platform.GetVlans(AcmeTenant), v => v.Name == "deleted-net");
        Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "orphaned-net");
    }

    [Fact]
    public async Task KillingTheOperatorInTheMiddleOfACreation_CreatesNothingTwice()
    {
        var first = StartOperator();
        await Apply("crash-net", "availabilityZones: [PAR7S]");
        await WaitForVlanAsync("crash-net", v => v?.Status?.ActivityId is not null, "the activity id to be saved before waiting");
        await first.DisposeAsync();

        await using var second = StartOperator();
        await WaitForVlanAsync("crash-net", v => IsReadyAt(v, 1), "Ready after the restart");

        Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "crash-net");
    }

    [Fact]
    public async Task WhileAReferencedCpoolIsMissing_TheVlanWaits_SaysWhich_AndCreatesNothing()
    {
        await using var host = StartOperator();

        await Apply("edge-net", "availabilityZones: [PAR7S]\n  cpoolRefs: [{name: missing-pool}]");

        var waiting = await WaitForVlanAsync("edge-net",
            v => v?.Status?.Conditions.Any(c => c.Type == Reasons.ReferencesReady && c.Status == ConditionStatus.False) == true,
            "ReferencesReady False");
        Assert.Contains("Cpool 'missing-pool' does not exist", waiting!.Status!.Conditions.Single(c => c.Type == "Reconciling").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetVlans(AcmeTenant), v => v.Name == "edge-net");
    }

    [Fact]
    public async Task AVlanSharedWithAnotherOrganization_IsRefusedByThePlatform_AndStallsWithTheRule()
    {
        await using var host = StartOperator();

        await Apply("leaky-net", "availabilityZones: [PAR7S]\n  sharedWithTenants: [9d2b4f6a-8c1e-4a3b-b5d7-e9f1a3c5b7d9]");

        var stalled = await WaitForVlanAsync("leaky-net", v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True) == true, "Stalled");
        var condition = stalled!.Status!.Conditions.Single(c => c.Type == "Stalled");
        Assert.Equal("PlatformRefused", condition.Reason);
        Assert.Contains("N3", condition.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetVlans(AcmeTenant), v => v.Name == "leaky-net");
    }

    [Fact]
    public async Task ASecretNamedButMissing_Stalls_NamingIt()
    {
        await using var host = StartOperator();

        await Apply("secret-net", "availabilityZones: [PAR7S]\n  credentialsSecretRef: {name: nowhere}");

        var stalled = await WaitForVlanAsync("secret-net", v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True) == true, "Stalled");
        var condition = stalled!.Status!.Conditions.Single(c => c.Type == "Stalled");
        Assert.Equal("CredentialsNotFound", condition.Reason);
        Assert.Contains($"Secret {Namespace}/nowhere, named by spec.credentialsSecretRef, does not exist", condition.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox-acme-prod-secret", string.Join(' ', stalled.Status.Conditions.Select(c => c.Message)), StringComparison.Ordinal);
    }

    private RuntimeHost StartOperator()
    {
        var (connections, credentials) = Drivers();
        var reconciler = new VlanKind().Reconciler(connections, credentials, View, new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
        return StartRuntime(reconciler);
    }

    private async Task Apply(string name, string spec) =>
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Vlan\nmetadata:\n  name: {name}\nspec:\n  {spec}\n")).EnsureSuccess();
}

using CloudTemple.Operator.Controllers.HsmKeyProviders;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Simulator.Model;
using HsmKeyProvider = CloudTemple.Operator.Entities.HsmKeyProvider;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// The HsmKeyProvider controller end to end: the real API server, the real simulator service on
/// loopback (the sandbox's inventory), and the operator's runtime with the platform driver. The
/// Cpool it is activated on is the inventory's prod-par7s, adopted by an object whose Ready status
/// the test writes itself (the Cpool controller is not part of this test).
/// </summary>
public sealed class HsmKeyProviderControllerTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with
        {
            HsmKeyProvider = TimeSpan.FromMilliseconds(300),
            Encryption = TimeSpan.FromMilliseconds(300),
            Delete = TimeSpan.FromMilliseconds(200),
        };

    [Fact]
    public async Task AProvider_EncryptsTheVmThatMeetsH4_AndNamesWhatBlocksTheOthers()
    {
        var cpool = await AdoptInventoryCpoolAsync();
        await using var host = StartOperator();

        await Apply("payments-kms", "pay-01", "web-01");

        var provider = await WaitForProviderAsync("payments-kms",
            p => IsReadyAt(p, 1) && p!.Status!.VirtualMachines.Any(v => v.Name == "pay-01" && v.State == EncryptionState.Encrypted),
            "Ready with pay-01 encrypted");
        var status = provider!.Status!;
        var onPlatform = Assert.Single(Platform.GetHsmKeyProviders(AcmeTenant), k => k.Name == "payments-kms");
        Assert.Equal(onPlatform.Id, status.ProviderId);
        Assert.Equal(onPlatform.Id, status.ExternalId);
        Assert.False(string.IsNullOrEmpty(status.KmipEndpoint));
        Assert.Equal(["PAR7S", "TH3S", "AZ07"], status.Zones);
        Assert.Contains("Luna", status.Hsm, StringComparison.Ordinal);
        Assert.Contains("CipherTrust", status.Kms, StringComparison.Ordinal);
        Assert.Equal([cpool], onPlatform.ActiveCpoolIds);
        var web = Assert.Single(status.VirtualMachines, v => v.Name == "web-01");
        Assert.Equal(EncryptionState.Blocked, web.State);
        Assert.Equal([EncryptionBlocker.PoweredOn], web.Reasons);
        Assert.Empty(Assert.Single(status.VirtualMachines, v => v.Name == "pay-01").Reasons);
        Assert.Equal(onPlatform.Id, Platform.GetVirtualMachine(AcmeTenant, "pay-01")!.EncryptionProviderId);
        Assert.Null(Platform.GetVirtualMachine(AcmeTenant, "web-01")!.EncryptionProviderId);

        // H6: every key operation is an Event.
        await Eventually.UntilAsync(
            async () => (await Client.EventsV1.ListNamespacedEventAsync(Namespace)).Items.Select(e => e.Reason).ToList(),
            reasons => reasons.Contains("Activating") && reasons.Contains("Encrypting"),
            Deadline,
            "the Activating and Encrypting events");
    }

    [Fact]
    public async Task AVmThePlatformDoesNotKnow_IsBlockedNotFound_AndTheProviderIsNotReady()
    {
        await AdoptInventoryCpoolAsync();
        await using var host = StartOperator();

        await Apply("ghost-kms", "pay-01", "ghost-01");

        var provider = await WaitForProviderAsync("ghost-kms",
            p => p?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True && c.ObservedGeneration == 1) == true
                && p.Status.VirtualMachines.Any(v => v.Name == "pay-01" && v.State == EncryptionState.Encrypted),
            "Stalled, with pay-01 encrypted");
        var status = provider!.Status!;
        var ghost = Assert.Single(status.VirtualMachines, v => v.Name == "ghost-01");
        Assert.Equal(EncryptionState.Blocked, ghost.State);
        Assert.Equal([EncryptionBlocker.NotFound], ghost.Reasons);
        var stalled = status.Conditions.Single(c => c.Type == "Stalled");
        Assert.Equal(Reasons.SpecNotMet, stalled.Reason);
        Assert.Contains("VM 'ghost-01'", stalled.Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.False, status.Conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task DeletingAProviderThatStillEncryptsVms_Waits_SaysWhich_ThenDecryptsThemOnceTheyLeaveTheSpec_AndDeletesIt()
    {
        await AdoptInventoryCpoolAsync();
        await using var host = StartOperator();
        await Apply("vault-kms", "pay-01");
        var provider = await WaitForProviderAsync("vault-kms",
            p => IsReadyAt(p, 1) && p!.Status!.VirtualMachines.Any(v => v.Name == "pay-01" && v.State == EncryptionState.Encrypted),
            "Ready with pay-01 encrypted");
        var id = provider!.Status!.ExternalId!;

        (await Kubectl.RunAsync("delete", "hsmkeyprovider", "vault-kms", "-n", Namespace, "--wait=false")).EnsureSuccess();

        var waiting = await WaitForProviderAsync("vault-kms",
            p => p?.Status?.Conditions.Any(c => c.Type == "Reconciling" && c.Status == ConditionStatus.True && c.Reason == "InUse") == true,
            "the finalizer to wait, in use");
        var message = waiting!.Status!.Conditions.Single(c => c.Type == "Reconciling").Message;
        Assert.Contains("VM 'pay-01'", message, StringComparison.Ordinal);
        Assert.Contains("spec.encryptedVirtualMachines", message, StringComparison.Ordinal);
        Assert.NotNull(Platform.GetHsmKeyProvider(id));
        Assert.Equal(id, Platform.GetVirtualMachine(AcmeTenant, "pay-01")!.EncryptionProviderId);

        await Apply("vault-kms");

        await WaitForProviderAsync("vault-kms", p => p is null, "the provider to be gone");
        Assert.Null(Platform.GetHsmKeyProvider(id));
        Assert.Null(Platform.GetVirtualMachine(AcmeTenant, "pay-01")!.EncryptionProviderId);
    }

    [Fact]
    public async Task Deleting_RemovesTheProviderFromThePlatform()
    {
        await AdoptInventoryCpoolAsync();
        await using var host = StartOperator();
        await Apply("idle-kms");
        var provider = await WaitForProviderAsync("idle-kms", p => IsReadyAt(p, 1), "Ready");
        var id = provider!.Status!.ExternalId!;

        (await Kubectl.RunAsync("delete", "hsmkeyprovider", "idle-kms", "-n", Namespace, "--wait=false")).EnsureSuccess();

        await WaitForProviderAsync("idle-kms", p => p is null, "the provider to be gone");
        Assert.Null(Platform.GetHsmKeyProvider(id));
    }

    private Task<HsmKeyProvider?> WaitForProviderAsync(string name, Func<HsmKeyProvider?, bool> done, string what) => WaitForAsync(name, done, what);

    private RuntimeHost StartOperator()
    {
        var (connections, credentials) = Drivers();
        var reconciler = new HsmKeyProviderKind().Reconciler(connections, credentials, View, new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
        return RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, reconciler, configure: null, Loggers);
    }

    private Task Apply(string name, params string[] encrypted) =>
        ApplyYamlAsync($"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: HsmKeyProvider\nmetadata:\n  name: {name}\nspec:\n  cpoolRefs: [{{name: prod-par7s}}]\n  encryptedVirtualMachines: [{string.Join(", ", encrypted)}]\n");

    private async Task ApplyYamlAsync(string yaml) =>
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], yaml)).EnsureSuccess();
}

using System.Diagnostics;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Controllers.Vlans;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using Cpool = CloudTemple.Operator.Entities.Cpool;
using Vlan = CloudTemple.Operator.Entities.Vlan;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>A referrer is reconciled as soon as what it references becomes Ready, not at its next poll.</summary>
public sealed class ReferenceTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    private const string ReadyAnnotation = "test.iaas.cloud-temple.com/ready";

    [Fact]
    public async Task AVlanWaitingForItsCpool_IsReconciledAsSoonAsTheCpoolBecomesReady()
    {
        var poolId = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "prod-par7s").Id;

        // A Vlan waiting for its references looks again only every minute by itself: a reconcile
        // within seconds can only come from the reference.
        var poll = TimeSpan.FromMinutes(1);
        var (connections, credentials) = Drivers();
        var vlans = new VlanKind().Reconciler(connections, credentials, View, new ReconcilerOptions { ReferencePollInterval = poll, PollInterval = TimeSpan.FromMilliseconds(200), QuietReferenceWait = TimeSpan.Zero });
        await using var host = RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, runtime => runtime
            .AddController(new ScriptedCpool(poolId))
            .AddController(vlans)
            .AddReferences<Cpool, Vlan>(v => v.Spec.CpoolRefs.Select(r => r.Name)), loggers: Loggers);

        await Apply("kind: Cpool\nmetadata: {name: pool}\nspec: {availabilityZone: PAR7S, bladeType: standard, hosts: 3}");
        await Apply("kind: Vlan\nmetadata: {name: net}\nspec: {availabilityZones: [PAR7S], cpoolRefs: [{name: pool}]}");
        await WaitForVlanAsync("net", v => v?.Status?.Conditions.Any(c => c.Type == "ReferencesReady" && c.Status == ConditionStatus.False) == true, "the Vlan to wait for its Cpool");

        (await Kubectl.RunAsync("annotate", "cpool", "pool", "-n", Namespace, $"{ReadyAnnotation}=true")).EnsureSuccess();
        await Eventually.UntilAsync(() => Client.CustomObjects.GetNamespacedCustomObjectAsync<Cpool>(ApiGroup.Name, ApiGroup.Version, Namespace, "cpools", "pool"),
            c => c.Status?.Conditions.Any(x => x.Type == "Ready" && x.Status == ConditionStatus.True) == true, Deadline, "the Cpool to be Ready");
        var sinceCpoolReady = Stopwatch.StartNew();

        await WaitForVlanAsync("net", v => v?.Status?.Conditions.Any(c => c.Type == "ReferencesReady" && c.Status == ConditionStatus.True) == true, "the Vlan to see its Cpool Ready");

        Output($"the Vlan saw its Cpool Ready {sinceCpoolReady.Elapsed.TotalMilliseconds:F0} ms after the Cpool's status said so (its own poll: {poll.TotalSeconds} s)");
        Assert.True(sinceCpoolReady.Elapsed < poll / 4, $"the Vlan was reconciled only after {sinceCpoolReady.Elapsed}: the reference did not trigger it");
        await WaitForVlanAsync("net", v => IsReadyAt(v, 1), "the Vlan to be Ready");
        Assert.Contains(poolId, Platform.GetVlans(AcmeTenant).Single(v => v.Name == "net").CpoolIds);
    }

    private async Task Apply(string manifest) =>
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], $"apiVersion: iaas.cloud-temple.com/v1alpha1\n{manifest}\n")).EnsureSuccess();

    /// <summary>A Cpool that is Ready, standing for an existing platform Cpool, once annotated so.</summary>
    private sealed class ScriptedCpool(string platformId) : IReconciler<Cpool>
    {
        public Task<ReconcileResult> ReconcileAsync(ReconcileContext<Cpool> context, CancellationToken cancellationToken)
        {
            if (context.Entity.Metadata.Annotations?.ContainsKey(ReadyAnnotation) == true)
            {
                context.Entity.Status!.ExternalId = platformId;
                context.Conditions.MarkReady("Provisioned", "Scripted.");
            }
            else
            {
                context.Conditions.MarkReconciling("Creating", "Scripted.");
            }

            return Task.FromResult(ReconcileResult.Done);
        }

        public Task<FinalizeResult> FinalizeAsync(ReconcileContext<Cpool> context, CancellationToken cancellationToken) =>
            Task.FromResult(FinalizeResult.Done);
    }
}

using System.Text.Json.Nodes;
using k8s;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.IntegrationTests.Runtime;
using CloudTemple.Operator.Runtime;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.GitOps;

/// <summary>
/// Objects the operator's runtime produced on the real API server, in each state, read the way Argo
/// CD (config/argocd/health.lua under Lua 5.1) and Flux (kstatus) read them.
/// </summary>
public sealed class GitOpsHealthTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    private const string StateAnnotation = "test.iaas.cloud-temple.com/state";

    [Fact]
    public async Task EachStateOfAnObject_IsReadAsArgoCdAndFluxExpect()
    {
        await ApplyVlanAsync("never-reconciled", "PAR7S");
        var untouched = await GetJsonAsync("never-reconciled");
        await Annotate("never-reconciled", $"{ApiGroup.PausedAnnotation}=true");

        foreach (var state in new[] { "ready", "reconciling", "stalled", "paused" })
        {
            await ApplyVlanAsync(state, "PAR7S");
            await Annotate(state, $"{StateAnnotation}={(state == "paused" ? "ready" : state)}");
        }

        await using var host = RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, new ScriptedStates(), loggers: Loggers);
        foreach (var state in new[] { "ready", "reconciling", "stalled", "paused" })
        {
            await WaitForVlanAsync(state, v => v?.Status?.ObservedGeneration == 1 && v.Status.Conditions.Any(c => c.Type == "Ready"), $"{state} to be reconciled");
        }

        await Annotate("paused", $"{ApiGroup.PausedAnnotation}=true");
        await WaitForVlanAsync("paused", v => v?.Status?.Conditions.Any(c => c.Type == "Paused") == true, "the Paused condition");
        await ApplyVlanAsync("paused", "PAR7S", "TH3S");

        var expectations = new (string Name, JsonObject Object, string ArgoCd, string Flux)[]
        {
            ("never reconciled", untouched, "Progressing", "Current"),
            ("ready", await GetJsonAsync("ready"), "Healthy", "Current"),
            ("reconciling", await GetJsonAsync("reconciling"), "Progressing", "InProgress"),
            ("stalled", await GetJsonAsync("stalled"), "Degraded", "Failed"),
            ("paused with a newer spec", await GetJsonAsync("paused"), "Suspended", "InProgress"),
        };

        foreach (var (name, resource, argoCd, flux) in expectations)
        {
            var (health, message) = await ArgoCdHealth.EvaluateAsync(resource);
            Output($"{name}: Argo CD {health} ({message}); kstatus {KStatus.Compute(resource)}");
            Assert.True(health == argoCd, $"{name}: Argo CD health {health}, expected {argoCd} ({message})\n{resource}");
            Assert.True(KStatus.Compute(resource) == flux, $"{name}: kstatus {KStatus.Compute(resource)}, expected {flux}\n{resource}");
        }

        var (_, stalledMessage) = await ArgoCdHealth.EvaluateAsync(expectations[3].Object);
        Assert.Equal("PlatformRefused: The platform refused the spec (test).", stalledMessage);
    }

    private async Task Annotate(string name, string annotation) =>
        (await Kubectl.RunAsync("annotate", "--overwrite", "vlan", name, "-n", Namespace, annotation)).EnsureSuccess();

    private async Task<JsonObject> GetJsonAsync(string name) =>
        await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(ApiGroup.Name, ApiGroup.Version, Namespace, "vlans", name);

    /// <summary>Puts each object in the state its annotation names.</summary>
    private sealed class ScriptedStates : IReconciler<Vlan>
    {
        public Task<ReconcileResult> ReconcileAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken)
        {
            string? state = null;
            context.Entity.Metadata.Annotations?.TryGetValue(StateAnnotation, out state);
            switch (state)
            {
                case "reconciling":
                    context.Conditions.MarkReconciling("Creating", "Waiting for platform activity op-42.");
                    break;
                case "stalled":
                    context.Conditions.MarkStalled("PlatformRefused", "The platform refused the spec (test).");
                    break;
                default:
                    context.Conditions.MarkReady("Provisioned", "The VLAN matches its spec.");
                    break;
            }

            return Task.FromResult(ReconcileResult.Done);
        }

        public Task<FinalizeResult> FinalizeAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken) =>
            Task.FromResult(FinalizeResult.Done);
    }
}

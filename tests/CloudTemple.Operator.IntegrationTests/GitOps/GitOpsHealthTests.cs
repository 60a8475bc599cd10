using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.IntegrationTests.Runtime;
using CloudTemple.Operator.Runtime;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.GitOps;

/// <summary>
/// Objects of every kind, put in each state by the operator's runtime on the real API server, read
/// the way Argo CD (config/argocd/health.lua under Lua 5.1) and Flux (kstatus) read them.
/// </summary>
public sealed class GitOpsHealthTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    private const string StateAnnotation = "test.iaas.cloud-temple.com/state";

    private static readonly Dictionary<string, (string Plural, string Spec)> s_kinds = new()
    {
        ["Cpool"] = ("cpools", "availabilityZone: PAR7S\n  bladeType: standard\n  hosts: 3"),
        ["BlockVolume"] = ("blockvolumes", "availabilityZone: PAR7S\n  storageClass: premium\n  sizeGiB: 1024"),
        ["Vlan"] = ("vlans", "availabilityZones: [PAR7S]"),
        ["BackupPolicy"] = ("backuppolicies", "organization: Acme\n  tenant: acme\n  contact: {name: C, email: c@acme.example, phone: \"+33 1 23 45 67 89\"}\n  retention: {days: 7}"),
        ["VmReplication"] = ("vmreplications", "virtualMachine: app-01\n  targetCpoolRef: {name: dr}\n  targetBlockVolumeRef: {name: dr-data}\n  rpoHours: 4"),
        ["HsmKeyProvider"] = ("hsmkeyproviders", "encryptedVirtualMachines: [pay-01]"),
    };

    public static TheoryData<string> Kinds() => [.. s_kinds.Keys];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EachStateOfAnObject_IsReadAsArgoCdAndFluxExpect(string kind)
    {
        var (plural, spec) = s_kinds[kind];
        await Apply(kind, "never-reconciled", spec);
        var untouched = await GetJsonAsync(plural, "never-reconciled");
        await Annotate(plural, "never-reconciled", $"{ApiGroup.PausedAnnotation}=true");
        foreach (var state in new[] { "ready", "reconciling", "stalled", "paused" })
        {
            await Apply(kind, state, spec, state == "paused" ? "ready" : state);
        }

        await using var host = RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, runtime => Register(runtime, kind), loggers: Loggers);
        foreach (var state in new[] { "ready", "reconciling", "stalled", "paused" })
        {
            await Eventually.UntilAsync(() => GetJsonAsync(plural, state), o => (long?)o["status"]?["observedGeneration"] == 1, Deadline, $"{kind} {state} to be reconciled");
        }

        await Annotate(plural, "paused", $"{ApiGroup.PausedAnnotation}=true");
        await Eventually.UntilAsync(() => GetJsonAsync(plural, "paused"),
            o => o["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "Paused") == true, Deadline, "the Paused condition");
        await Bump(plural, "paused");

        var expectations = new (string Name, JsonObject Object, string ArgoCd, string Flux)[]
        {
            ("never reconciled", untouched, "Progressing", "InProgress"),
            ("ready", await GetJsonAsync(plural, "ready"), "Healthy", "Current"),
            ("reconciling", await GetJsonAsync(plural, "reconciling"), "Progressing", "InProgress"),
            ("stalled", await GetJsonAsync(plural, "stalled"), "Degraded", "Failed"),
            ("paused with a newer spec", await GetJsonAsync(plural, "paused"), "Suspended", "InProgress"),
        };

        foreach (var (name, resource, argoCd, flux) in expectations)
        {
            var (health, message) = await ArgoCdHealth.EvaluateAsync(resource);
            Output($"{kind} {name}: Argo CD {health} ({message}); kstatus {KStatus.Compute(resource)}");
            Assert.True(health == argoCd, $"{kind} {name}: Argo CD health {health}, expected {argoCd} ({message})\n{resource}");
            Assert.True(KStatus.Compute(resource) == flux, $"{kind} {name}: kstatus {KStatus.Compute(resource)}, expected {flux}\n{resource}");
        }

        Assert.Equal("PlatformRefused: The platform refused the spec (test).", (await ArgoCdHealth.EvaluateAsync(expectations[3].Object)).Message);
    }

    private static void Register(OperatorRuntime runtime, string kind)
    {
        _ = kind switch
        {
            "Cpool" => runtime.AddController(new ScriptedStates<Cpool>()),
            "BlockVolume" => runtime.AddController(new ScriptedStates<BlockVolume>()),
            "Vlan" => runtime.AddController(new ScriptedStates<Vlan>()),
            "BackupPolicy" => runtime.AddController(new ScriptedStates<BackupPolicy>()),
            "VmReplication" => runtime.AddController(new ScriptedStates<VmReplication>()),
            _ => runtime.AddController(new ScriptedStates<HsmKeyProvider>()),
        };
    }

    private async Task Apply(string kind, string name, string spec, string? state = null)
    {
        var annotations = state is null ? string.Empty : $"\n  annotations: {{{StateAnnotation}: {state}}}";
        var yaml = $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}{annotations}\nspec:\n  {spec}\n";
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], yaml)).EnsureSuccess();
    }

    // A change of spec every kind accepts: its deletion policy.
    private async Task Bump(string plural, string name) =>
        (await Kubectl.RunAsync("patch", plural, name, "-n", Namespace, "--type=merge", "-p", """{"spec":{"deletionPolicy":"Orphan"}}""")).EnsureSuccess();

    private async Task Annotate(string plural, string name, string annotation) =>
        (await Kubectl.RunAsync("annotate", "--overwrite", plural, name, "-n", Namespace, annotation)).EnsureSuccess();

    private async Task<JsonObject> GetJsonAsync(string plural, string name) =>
        await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(ApiGroup.Name, ApiGroup.Version, Namespace, plural, name);

    /// <summary>Puts each object in the state its annotation names.</summary>
    private sealed class ScriptedStates<T> : IReconciler<T>
        where T : class, ICustomResource
    {
        public Task<ReconcileResult> ReconcileAsync(ReconcileContext<T> context, CancellationToken cancellationToken)
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
                    context.Conditions.MarkReady("Provisioned", "The object matches its spec.");
                    break;
            }

            return Task.FromResult(ReconcileResult.Done);
        }

        public Task<FinalizeResult> FinalizeAsync(ReconcileContext<T> context, CancellationToken cancellationToken) =>
            Task.FromResult(FinalizeResult.Done);
    }
}

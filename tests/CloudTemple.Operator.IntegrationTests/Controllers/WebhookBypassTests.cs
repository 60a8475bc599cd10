using System.Text;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Controllers.BackupPolicies;
using CloudTemple.Operator.Controllers.BlockVolumes;
using CloudTemple.Operator.Controllers.Cpools;
using CloudTemple.Operator.Controllers.HsmKeyProviders;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Controllers.VmReplications;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Simulator.Model;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// Every bad manifest the webhook refuses (WebhookTests), applied with no webhook at all: the
/// controllers refuse the same specs — Stalled, naming the rule — and the platform gets nothing.
/// </summary>
public sealed class WebhookBypassTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    [Fact]
    public async Task EachSpecTheWebhookRefuses_EndsStalledWithItsRule_WhenTheWebhookIsBypassed()
    {
        var (connections, credentials) = Drivers();
        var view = View;
        var options = new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200) };
        await using var host = RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, runtime => runtime
            .AddController(new CpoolKind().Reconciler(connections, credentials, view, options))
            .AddController(new BlockVolumeKind().Reconciler(connections, credentials, view, options))
            .AddController(new BackupPolicyKind().Reconciler(connections, credentials, view, options))
            .AddController(new VmReplicationKind().Reconciler(connections, credentials, view, options))
            .AddController(new HsmKeyProviderKind().Reconciler(connections, credentials, view, options)), loggers: Loggers);

        var failures = new StringBuilder();
        foreach (var (rule, setup, bad, field) in WebhookTests.Cases)
        {
            var ruleId = rule.Split(' ')[0];
            foreach (var manifest in setup)
            {
                var (setupKind, setupName) = await Apply(manifest);
                await Settled(setupKind, setupName);
            }

            var platformBefore = PlatformResources(Platform);
            var (kind, name) = await Apply(bad);
            var stalled = await Eventually.UntilAsync(() => Get(kind, name),
                o => Stalled(o)?["message"]?.ToString().Contains($"rule {ruleId}", StringComparison.Ordinal) == true
                    || Stalled(o)?["message"]?.ToString().Contains($"({ruleId})", StringComparison.Ordinal) == true,
                Deadline, $"{rule}: {kind}/{name} to stall naming rule {ruleId}");
            Output($"{rule}: Stalled {Stalled(stalled)?["reason"]}: {Stalled(stalled)?["message"]}");

            if (!PlatformResources(Platform).SetEquals(platformBefore))
            {
                failures.AppendLine($"{rule}: the platform changed: {string.Join(", ", PlatformResources(Platform).Except(platformBefore))}");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    // Every platform resource of the tenant, with what the bad specs would change (name, blade, zone, size, class).
    private static HashSet<string> PlatformResources(SimulatedPlatform platform) =>
    [
        .. platform.GetCpools(AcmeTenant).Select(c => $"cpool {c.Name} {c.BladeType} {c.Zone} {c.Hosts.Count}"),
        .. platform.GetBlockVolumes(AcmeTenant).Select(v => $"volume {v.Name} {v.StorageClass} {v.Zone} {v.SizeGiB} {v.Replication is not null}"),
        .. platform.GetBackupPolicies().Select(p => $"backup {p.Name}"),
        .. platform.GetVmReplications(AcmeTenant).Select(r => $"replication {r.VirtualMachine}"),
    ];

    private async Task<(string Kind, string Name)> Apply(string manifest)
    {
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], WebhookTests.Manifest(manifest))).EnsureSuccess();
        var kind = manifest.Split('\n')[0]["kind: ".Length..].Trim();
        var name = manifest[(manifest.IndexOf("name: ", StringComparison.Ordinal) + "name: ".Length)..].Split('}', '\n')[0].Trim();
        return (kind, name);
    }

    private async Task Settled(string kind, string name) =>
        await Eventually.UntilAsync(() => Get(kind, name),
            o => o["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] is "Ready" or "Stalled" && (string?)c!["status"] == "True") == true,
            Deadline, $"{kind}/{name} to settle");

    private async Task<JsonObject> Get(string kind, string name) =>
        await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(ApiGroup.Name, ApiGroup.Version, Namespace, CloudTemple.Operator.Runtime.EntityInfo.Of(CustomResources.All.Single(t => t.Name == kind)).Plural, name);

    private static JsonNode? Stalled(JsonObject resource) =>
        resource["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Stalled" && (string?)c!["status"] == "True");
}

using System.Text.RegularExpressions;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.IntegrationTests.Runtime;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>
/// The chart installed with watchNamespaces into the shared control plane: its Roles grant the kinds
/// only in the watched namespace, and the operator, run with nothing but its ServiceAccount's token,
/// reconciles there (reads, finalizer and status patches, its Secret lookup, an event, its Lease).
/// </summary>
public sealed partial class HelmChartNamespacedInstallTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task WithWatchNamespaces_TheOperatorReconcilesThereWithItsServiceAccountAlone_AndCanReadNothingElsewhere()
    {
        var release = $"op-{Namespace}";
        var serviceAccount = $"system:serviceaccount:{Namespace}:{release}";
        var install = await HelmChartTests.RunHelmAsync(_output, Fixture.ControlPlane.KubeconfigPath,
            "install", release, RepositoryPaths.Combine("charts", "cloudtemple-operator"), "--namespace", Namespace, "--skip-crds",
            "--set", $"watchNamespaces={{{Namespace}}}", "--set", "webhook.enabled=false", "--set", "replicaCount=1",
            // The API server validates the NetworkPolicy with sources of every kind.
            "--set", "networkPolicy.metrics.from[0].podSelector.matchLabels.app=prometheus",
            "--set", "networkPolicy.metrics.from[0].namespaceSelector.matchLabels.team=observability",
            "--set", "networkPolicy.extraIngress[0].ports[0].port=8081", "--set", "networkPolicy.extraIngress[0].from[0].ipBlock.cidr=10.0.0.0/8",
            "--wait=false");
        Assert.True(install.Succeeded, install.ToString());
        try
        {
            foreach (var (verb, resource, where, allowed) in new (string, string, string[], bool)[]
            {
                ("watch", "cpools.iaas.cloud-temple.com", ["-n", Namespace], true),
                ("watch", "cpools.iaas.cloud-temple.com", ["--all-namespaces"], false),
                ("patch", "vlans.iaas.cloud-temple.com", ["--subresource=status", "-n", Namespace], true),
                ("update", "vlans.iaas.cloud-temple.com", ["--subresource=status", "-n", Namespace], false),
                ("update", "vlans.iaas.cloud-temple.com", ["--subresource=finalizers", "-n", Namespace], false),
                ("get", "secrets", ["-n", Namespace], true),
                ("list", "secrets", ["-n", Namespace], false),
                ("watch", "secrets", ["-n", Namespace], false),
                ("get", "secrets", ["-n", "kube-system"], false),
                ("get", "vlans.iaas.cloud-temple.com", ["-n", "default"], false),
                ("create", "events.events.k8s.io", ["-n", "default"], false),
                ("patch", "validatingwebhookconfigurations.admissionregistration.k8s.io", [], false),
            })
            {
                var canI = await Kubectl.RunAsync(["auth", "can-i", verb, resource, "--as", serviceAccount, .. where]);
                Assert.True(canI.StandardOutput.Trim() == (allowed ? "yes" : "no"), $"can-i {verb} {resource} {string.Join(' ', where)}: expected {(allowed ? "yes" : "no")}\n{canI}");
            }

            var kubeconfig = await ServiceAccountKubeconfigAsync(release);
            await using var process = OperatorProcess.Start(kubeconfig, Namespace, Client, webhook: false);
            try
            {
                await ApplyVlanAsync("app", "PAR7S");

                // No credentials here: the operator read the Secret it looks for (404, not 403), said so in
                // status, added its finalizer and published an event, all as its ServiceAccount.
                var vlan = await WaitForVlanAsync("app",
                    v => v?.Status?.Conditions.Any(c => c.Type == "Stalled" && c.Status == ConditionStatus.True && c.Reason == "CredentialsNotFound") == true,
                    "the operator to reconcile with its ServiceAccount's permissions");
                Assert.Contains(ApiGroup.Finalizer, vlan!.Metadata.Finalizers);
                var events = await Eventually.UntilAsync(
                    () => Client.EventsV1.ListNamespacedEventAsync(Namespace),
                    list => list.Items.Any(e => e.Regarding.Name == "app" && e.Reason == "CredentialsNotFound"),
                    Deadline, "the operator's event");
                Assert.Contains(events.Items, e => e.ReportingController == "iaas.cloud-temple.com/cloudtemple-operator");
                Assert.NotNull(await Client.CoordinationV1.ReadNamespacedLeaseAsync("cloudtemple-operator-leader", Namespace));
                Assert.DoesNotContain("Forbidden", process.Logs, StringComparison.Ordinal);
            }
            finally
            {
                await process.StopAsync();
                File.Delete(kubeconfig);
                Output(process.Logs);
            }
        }
        finally
        {
            (await HelmChartTests.RunHelmAsync(_output, Fixture.ControlPlane.KubeconfigPath, "uninstall", release, "--namespace", Namespace)).EnsureSuccess();
        }
    }

    // A kubeconfig like the fixture's, whose user is the release's ServiceAccount (a TokenRequest token), as in its pod.
    private async Task<string> ServiceAccountKubeconfigAsync(string serviceAccount)
    {
        var request = await Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = [], ExpirationSeconds = 3600 } }, serviceAccount, Namespace);
        var admin = await File.ReadAllTextAsync(Fixture.ControlPlane.KubeconfigPath);
        var path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Namespace}");
        await File.WriteAllTextAsync(path, TokenLine().Replace(admin, $"token: {request.Status.Token}"));
        return path;
    }

    [GeneratedRegex(@"token: \S+")]
    private static partial Regex TokenLine();
}

using CloudTemple.Operator.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>config/default, rendered by kubectl's kustomize and applied to the real API server, grants exactly what the operator needs.</summary>
public sealed class InstallTests(ControlPlaneFixture fixture, ITestOutputHelper output) : ControlPlaneTest(fixture, output)
{
    private const string Operator = "system:serviceaccount:cloudtemple-system:cloudtemple-operator";

    [Fact]
    public async Task ConfigDefault_Applies_AndItsRbacIsLeastPrivilege()
    {
        try
        {
            (await Kubectl.RunAsync("apply", "-k", RepositoryPaths.Combine("config", "default"))).EnsureSuccess();

            foreach (var (verb, resource, extra, allowed) in new (string, string, string[], bool)[]
            {
                ("watch", "cpools.iaas.cloud-temple.com", ["--all-namespaces"], true),
                ("patch", "blockvolumes.iaas.cloud-temple.com", ["-n", Namespace], true),
                ("patch", "vlans.iaas.cloud-temple.com", ["--subresource=status", "-n", Namespace], true),
                ("update", "hsmkeyproviders.iaas.cloud-temple.com", ["--subresource=finalizers", "-n", Namespace], false),
                ("update", "vlans.iaas.cloud-temple.com", ["--subresource=status", "-n", Namespace], false),
                ("update", "vlans.iaas.cloud-temple.com", ["-n", Namespace], false),
                ("delete", "cpools.iaas.cloud-temple.com", ["-n", Namespace], false),
                ("create", "cpools.iaas.cloud-temple.com", ["-n", Namespace], false),
                ("get", "secrets", ["-n", Namespace], true),
                ("list", "secrets", ["-n", Namespace], false),
                ("watch", "secrets", ["--all-namespaces"], false),
                ("create", "secrets", ["-n", Namespace], false),
                ("delete", "secrets", ["-n", Namespace], false),
                ("create", "events.events.k8s.io", ["-n", Namespace], true),
                ("patch", "events.events.k8s.io", ["-n", Namespace], false),
                ("update", "leases.coordination.k8s.io", ["-n", "cloudtemple-system"], true),
                ("update", "leases.coordination.k8s.io", ["-n", Namespace], false),
                ("patch", "validatingwebhookconfigurations.admissionregistration.k8s.io/cloudtemple-operator", [], true),
                ("patch", "validatingwebhookconfigurations.admissionregistration.k8s.io/someone-else", [], false),
                ("list", "pods", ["--all-namespaces"], false),
                ("create", "deployments.apps", ["-n", "cloudtemple-system"], false),
            })
            {
                var result = await Kubectl.RunAsync(["auth", "can-i", verb, resource, "--as", Operator, .. extra]);
                Assert.True(result.StandardOutput.Trim() == (allowed ? "yes" : "no"), $"can-i {verb} {resource}: expected {(allowed ? "yes" : "no")}\n{result}");
            }
        }
        finally
        {
            // The installed webhook points at a Service with no pods here: left in place, it would refuse every write.
            await Kubectl.RunAsync("delete", "validatingwebhookconfiguration", "cloudtemple-operator", "--ignore-not-found");
        }
    }
}

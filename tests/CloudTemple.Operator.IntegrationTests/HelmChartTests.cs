using CloudTemple.Operator.LocalControlPlane;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>
/// The Helm chart with the official Helm 3.10.1 (hack/tools.sh): lint, template, and install into a
/// control plane of its own, fresh, so that the install is seen creating the CRDs.
/// </summary>
public sealed class HelmChartTests(ITestOutputHelper output)
{
    private static readonly string s_chart = RepositoryPaths.Combine("charts", "cloudtemple-operator");

    [Fact]
    public async Task TheChart_Lints()
    {
        var lint = await Helm("lint", s_chart, "--strict");
        Assert.True(lint.Succeeded, lint.ToString());
    }

    [Fact]
    public async Task TheChart_Templates_WithTheRestrictedSecurityContext_AndTheGeneratedRbac()
    {
        var rendered = await Helm("template", "cloudtemple-operator", s_chart, "--namespace", "cloudtemple-system", "--include-crds");
        Assert.True(rendered.Succeeded, rendered.ToString());

        foreach (var expected in new[]
        {
            "runAsNonRoot: true", "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false", "- ALL", "type: RuntimeDefault",
            "kind: CustomResourceDefinition", "name: cpools.iaas.cloud-temple.com", "name: hsmkeyproviders.iaas.cloud-temple.com",
            "- cpools/status", "--leader-elect=true", "replicas: 2",
            "path: /validate/blockvolumes", "failurePolicy: Fail", "CLOUDTEMPLE_PLATFORM",
        })
        {
            Assert.Contains(expected, rendered.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("'*'", rendered.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("- cpools/finalizers", rendered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithEveryNamespaceWatched_OneClusterRoleGrantsTheKinds_ReadingSecretsOnlyByName_AndNeverUpdatingStatus()
    {
        var objects = await RenderAsync();

        var clusterRole = Assert.Single(objects.OfType<V1ClusterRole>());
        var secrets = Assert.Single(clusterRole.Rules, r => r.Resources.Contains("secrets"));
        Assert.Equal(["get"], secrets.Verbs);
        Assert.Equal(["patch"], Assert.Single(clusterRole.Rules, r => r.Resources.Contains("cpools/status")).Verbs);
        Assert.DoesNotContain(clusterRole.Rules, r => r.Verbs.Contains("update") && r.ApiGroups.Contains("iaas.cloud-temple.com"));
        Assert.Equal(["op-leader-election"], objects.OfType<V1Role>().Select(r => r.Metadata.Name));
        Assert.All(objects.OfType<V1ValidatingWebhookConfiguration>().Single().Webhooks, w => Assert.Null(w.NamespaceSelector));
    }

    [Fact]
    public async Task WithWatchNamespaces_ARoleInEachOfThemGrantsTheKinds_AndTheClusterRoleOnlyTheWebhookConfiguration()
    {
        var objects = await RenderAsync("--set", "watchNamespaces={team-a,team-b}");

        var roles = objects.OfType<V1Role>().Where(r => r.Metadata.Name == "op").ToList();
        Assert.Equal(["team-a", "team-b"], roles.Select(r => r.Metadata.NamespaceProperty).Order(StringComparer.Ordinal));
        Assert.All(roles, role =>
        {
            Assert.Contains(role.Rules, r => r.Resources.Contains("cpools") && r.Verbs.Contains("watch"));
            Assert.Equal(["get"], Assert.Single(role.Rules, r => r.Resources.Contains("secrets")).Verbs);
        });
        var bindings = objects.OfType<V1RoleBinding>().Where(b => b.Metadata.Name == "op").ToList();
        Assert.Equal(["team-a", "team-b"], bindings.Select(b => b.Metadata.NamespaceProperty).Order(StringComparer.Ordinal));
        Assert.All(bindings, b => Assert.Equal(("ServiceAccount", "op", "ops"), (b.Subjects.Single().Kind, b.Subjects.Single().Name, b.Subjects.Single().NamespaceProperty)));

        var clusterRule = Assert.Single(Assert.Single(objects.OfType<V1ClusterRole>()).Rules);
        Assert.Equal(["validatingwebhookconfigurations"], clusterRule.Resources);
        Assert.Equal(["op"], clusterRule.ResourceNames);

        // The webhook is called only for the watched namespaces, where the operator may read.
        Assert.All(objects.OfType<V1ValidatingWebhookConfiguration>().Single().Webhooks, w =>
            Assert.Equal(["team-a", "team-b"], w.NamespaceSelector.MatchExpressions.Single(e => e.Key == "kubernetes.io/metadata.name").Values));
        var env = objects.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers[0].Env;
        Assert.Equal("team-a,team-b", env.Single(e => e.Name == "CLOUDTEMPLE_NAMESPACES").Value);
    }

    [Fact]
    public async Task WithWatchNamespaces_AndCertManager_NothingIsGrantedClusterWide()
    {
        // cert-manager injects the CA: the operator needs no access to the ValidatingWebhookConfiguration.
        var rendered = await Helm("template", "op", s_chart, "--namespace", "ops", "--set", "watchNamespaces={team-a}", "--set", "webhook.certificateMode=certManager");

        Assert.True(rendered.Succeeded, rendered.ToString());
        Assert.DoesNotContain("kind: ClusterRole", rendered.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("kind: Role\n", rendered.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNetworkPolicy_AdmitsOnlyTheWebhookAndMetricsPorts_FromTheConfiguredSources()
    {
        var objects = await RenderAsync("--set", "networkPolicy.webhook.from[0].ipBlock.cidr=172.16.0.0/28");

        var policy = Assert.Single(objects.OfType<V1NetworkPolicy>());
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        Assert.Equal("op", policy.Spec.PodSelector.MatchLabels["app.kubernetes.io/instance"]);
        Assert.Equal(2, policy.Spec.Ingress.Count);
        var webhook = Assert.Single(policy.Spec.Ingress, r => r.Ports.Single().Port.Value == "9443");
        Assert.Equal("172.16.0.0/28", webhook.FromProperty.Single().IpBlock.Cidr);
        var metrics = Assert.Single(policy.Spec.Ingress, r => r.Ports.Single().Port.Value == "8080");
        Assert.Equal("monitoring", metrics.FromProperty.Single().NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);

        Assert.Empty((await RenderAsync("--set", "networkPolicy.enabled=false")).OfType<V1NetworkPolicy>());
    }

    [Fact]
    public async Task TheGrantedCredentialsValues_BecomeFlags_OnlyWhenSet_AndTheChartsSecretCarriesTheCredentialsLabel()
    {
        var defaults = (await RenderAsync()).OfType<V1Deployment>().Single().Spec.Template.Spec.Containers[0].Args;
        Assert.DoesNotContain(defaults, a => a.StartsWith("--operator-credentials-namespaces", StringComparison.Ordinal) || a.StartsWith("--platform-url-allow", StringComparison.Ordinal));

        var objects = await RenderAsync(
            "--set", "credentials.namespaces={team-a,team-b}", "--set", "platform.allowedUrls={https://shiva.cloud-temple.com,https://api.example.com/v1}",
            "--set", "credentials.id=pat-id", "--set", "credentials.secret=pat-secret");
        var args = objects.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers[0].Args;
        Assert.Contains("--operator-credentials-namespaces=team-a,team-b", args);
        Assert.Contains("--platform-url-allow=https://shiva.cloud-temple.com,https://api.example.com/v1", args);
        Assert.Equal("true", objects.OfType<V1Secret>().Single().Metadata.Labels["iaas.cloud-temple.com/credentials"]);

        var everyNamespace = await RenderAsync("--set", "credentials.namespaces={*}");
        Assert.Contains("--operator-credentials-namespaces=*", everyNamespace.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers[0].Args);
    }

    [Theory]
    [InlineData("replicaCount=0", "replicaCount: Must be greater than or equal to 1")]
    [InlineData("platform.name=aws", "platform.name must be one of the following")]
    [InlineData("webhook.certificateMode=manual", "webhook.certificateMode must be one of the following")]
    [InlineData("platform.allowedUrls={http://shiva.cloud-temple.com}", "platform.allowedUrls.0: Does not match pattern")]
    [InlineData("credentials.namespaces={Team_A}", "credentials.namespaces.0: Does not match pattern")]
    [InlineData("networkPolicy.webhook.from[0].ipBlock.cidr=apiserver", "networkPolicy.webhook.from.0.ipBlock.cidr: Does not match pattern")]
    [InlineData("networkPolicy.metrics.from[0].serviceSelector.app=prometheus", "networkPolicy.metrics.from.0: Additional property serviceSelector is not allowed")]
    public async Task ValuesThatMakeNoSense_AreRefusedByTheSchema_NamingTheValue(string value, string message)
    {
        var rendered = await Helm("template", "op", s_chart, "--set", value);

        Assert.False(rendered.Succeeded);
        Assert.Contains(message, rendered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertManagerMode_AsksCertManagerForTheCertificate_AndItsCaInjection()
    {
        var rendered = await Helm("template", "op", s_chart, "--namespace", "ops", "--set", "webhook.certificateMode=certManager");

        Assert.True(rendered.Succeeded, rendered.ToString());
        Assert.Contains("cert-manager.io/inject-ca-from: ops/op-webhook", rendered.Output, StringComparison.Ordinal);
        Assert.Contains("kind: Certificate", rendered.Output, StringComparison.Ordinal);
        Assert.Contains("--webhook-cert-dir=/var/run/webhook-tls", rendered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelmInstall_CreatesTheCrdsRbacDeploymentAndWebhook_InAFreshCluster()
    {
        await using var controlPlane = await ControlPlane.StartAsync();
        var install = await HelmOn(controlPlane, "install", "cloudtemple-operator", s_chart, "--namespace", "cloudtemple-system", "--create-namespace",
            "--set", "credentials.id=pat-id", "--set", "credentials.secret=pat-secret", "--wait=false");
        Assert.True(install.Succeeded, install.ToString());

        using var client = controlPlane.CreateClient();
        var crds = await client.ApiextensionsV1.ListCustomResourceDefinitionAsync();
        Assert.Equal(6, crds.Items.Count(c => c.Spec.Group == "iaas.cloud-temple.com"));
        Assert.NotNull(await client.RbacAuthorizationV1.ReadClusterRoleAsync("cloudtemple-operator"));
        Assert.NotNull(await client.RbacAuthorizationV1.ReadNamespacedRoleAsync("cloudtemple-operator-leader-election", "cloudtemple-system"));
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("cloudtemple-operator", "cloudtemple-system");
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.True(deployment.Spec.Template.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem);
        var webhook = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync("cloudtemple-operator");
        Assert.Equal(6, webhook.Webhooks.Count);
        var secret = await client.CoreV1.ReadNamespacedSecretAsync("cloudtemple-operator-credentials", "cloudtemple-system");
        Assert.Equal(["id", "secret"], secret.Data.Keys.Order());
        Assert.Equal("true", secret.Metadata.Labels["iaas.cloud-temple.com/credentials"]);
        var policy = await client.NetworkingV1.ReadNamespacedNetworkPolicyAsync("cloudtemple-operator", "cloudtemple-system");
        Assert.Equal(["8080", "9443"], policy.Spec.Ingress.Select(r => r.Ports.Single().Port.Value).Order(StringComparer.Ordinal));

        var kubectl = new Kubectl(controlPlane.KubeconfigPath);
        foreach (var (verb, resource, allowed) in new[]
        {
            ("patch", "cpools.iaas.cloud-temple.com/status", true),
            ("update", "cpools.iaas.cloud-temple.com/status", false),
            ("get", "secrets", true),
            ("list", "secrets", false),
            ("watch", "secrets", false),
            ("delete", "customresourcedefinitions.apiextensions.k8s.io", false),
            ("create", "secrets", false),
            ("list", "deployments.apps", false),
        })
        {
            var canI = await kubectl.RunAsync("auth", "can-i", verb, resource, "--all-namespaces", "--as", "system:serviceaccount:cloudtemple-system:cloudtemple-operator");
            Assert.True(canI.StandardOutput.Trim() == (allowed ? "yes" : "no"), $"{verb} {resource}: {canI}");
        }

        var uninstall = await HelmOn(controlPlane, "uninstall", "cloudtemple-operator", "--namespace", "cloudtemple-system");
        Assert.True(uninstall.Succeeded, uninstall.ToString());
    }

    private Task<CommandResult> Helm(params string[] arguments) => HelmOn(null, arguments);

    private Task<CommandResult> HelmOn(ControlPlane? controlPlane, params string[] arguments) => RunHelmAsync(output, controlPlane?.KubeconfigPath, arguments);

    // The chart rendered as release "op" in namespace "ops", as typed objects.
    private async Task<IReadOnlyList<object>> RenderAsync(params string[] arguments)
    {
        var rendered = await Helm(["template", "op", s_chart, "--namespace", "ops", .. arguments]);
        Assert.True(rendered.Succeeded, rendered.ToString());
        return KubernetesYaml.LoadAllFromString(rendered.StandardOutput);
    }

    /// <summary>Runs the official helm with caches of its own, against <paramref name="kubeconfig"/> if given.</summary>
    internal static async Task<CommandResult> RunHelmAsync(ITestOutputHelper output, string? kubeconfig, params string[] arguments)
    {
        var temp = Path.GetTempPath();
        var environment = new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(temp, "helm-cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(temp, "helm-config"),
            ["HELM_DATA_HOME"] = Path.Combine(temp, "helm-data"),
        };
        if (kubeconfig is not null)
        {
            environment["KUBECONFIG"] = kubeconfig;
        }

        var result = await CommandLine.RunAsync("helm", arguments, TimeSpan.FromMinutes(2), environment);
        output.WriteLine(result.ToString());
        return result;
    }
}

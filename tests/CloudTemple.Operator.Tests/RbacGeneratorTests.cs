using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Generation;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Tests;

/// <summary>The RBAC generated from the code grants what the code uses and nothing more, each rule saying which code uses it.</summary>
public sealed class RbacGeneratorTests
{
    private static readonly IReadOnlyList<Grant> s_grants = Rbac.Grants();

    [Fact]
    public void TheGeneratedRbac_GrantsExactlyTheVerbsTheCodeUses_PerResourceAndScope()
    {
        var granted = s_grants
            .SelectMany(g => g.Rule.Resources.Select(r => (g.Scope, Resource: $"{g.Rule.ApiGroups.Single()}/{r}", g.Rule.Verbs)))
            .GroupBy(g => (g.Scope, g.Resource))
            .ToDictionary(g => g.Key, g => string.Join(",", g.SelectMany(x => x.Verbs).Order(StringComparer.Ordinal)));

        var expected = new Dictionary<(RbacScope, string), string>();
        foreach (var plural in CustomResources.All.Select(t => EntityInfo.Of(t).Plural))
        {
            expected[(RbacScope.WatchedNamespaces, $"{ApiGroup.Name}/{plural}")] = "get,list,patch,watch";
            expected[(RbacScope.WatchedNamespaces, $"{ApiGroup.Name}/{plural}/status")] = "patch";
        }

        expected[(RbacScope.WatchedNamespaces, "/secrets")] = "get";
        expected[(RbacScope.WatchedNamespaces, "events.k8s.io/events")] = "create";
        expected[(RbacScope.OperatorNamespace, "coordination.k8s.io/leases")] = "create,get,update";
        // A cluster install needs get and patch (InjectCaBundleAsync); local mode's ApplyAsync runs with the developer's kubeconfig.
        expected[(RbacScope.Cluster, "admissionregistration.k8s.io/validatingwebhookconfigurations")] = "get,patch";

        Assert.Equal(expected.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal), granted.OrderBy(e => e.Key.ToString(), StringComparer.Ordinal));
    }

    [Fact]
    public void Secrets_AreOnlyReadByName_NeverListedOrWatched()
    {
        var secrets = Assert.Single(s_grants, g => g.Rule.Resources.Contains("secrets"));

        Assert.Equal(["get"], secrets.Rule.Verbs);
        Assert.Equal(RbacScope.WatchedNamespaces, secrets.Scope);
    }

    [Fact]
    public void TheKinds_AreNeverUpdated_StatusIsOnlyPatched_AndFinalizersNeedNoSubresource()
    {
        var kinds = s_grants.Where(g => g.Rule.ApiGroups.Contains(ApiGroup.Name)).ToList();

        Assert.DoesNotContain(kinds, g => g.Rule.Verbs.Contains("update") || g.Rule.Verbs.Contains("create") || g.Rule.Verbs.Contains("delete"));
        Assert.DoesNotContain(kinds, g => g.Rule.Resources.Any(r => r.EndsWith("/finalizers", StringComparison.Ordinal)));
        Assert.Equal(["patch"], Assert.Single(kinds, g => g.Rule.Resources.All(r => r.EndsWith("/status", StringComparison.Ordinal))).Rule.Verbs);
    }

    [Fact]
    public void EveryGeneratedRule_IsPrecededByACommentNamingTheCodeThatUsesIt()
    {
        foreach (var file in new[] { "namespaced-rules.yaml", "cluster-rules.yaml", "leader-election-rules.yaml" })
        {
            var lines = Manifests.ChartManifests()[$"{Manifests.ChartDirectory}/files/{file}"].Split('\n');
            var rules = Enumerable.Range(0, lines.Length).Where(i => lines[i].StartsWith("- apiGroups:", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(rules);
            Assert.All(rules, i => Assert.Matches("^# [A-Z][A-Za-z]+", lines[i - 1]));
        }

        Assert.All(s_grants, g => Assert.False(string.IsNullOrWhiteSpace(g.UsedBy)));
    }

    [Fact]
    public void TheClusterScopedRules_AreOnlyTheWebhookConfiguration_AsTheChartAssumes()
    {
        // templates/rbac.yaml grants files/cluster-rules.yaml only with the self-managed webhook, and
        // keeps it when watchNamespaces narrows the rest to Roles: a new cluster-scoped rule needs a look there.
        var cluster = Assert.Single(s_grants, g => g.Scope == RbacScope.Cluster);

        Assert.Equal(["validatingwebhookconfigurations"], cluster.Rule.Resources);
        Assert.Equal([Rbac.Name], cluster.Rule.ResourceNames);
    }
}

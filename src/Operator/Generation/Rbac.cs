using System.Reflection;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s.Models;

namespace CloudTemple.Operator.Generation;

/// <summary>
/// The operator's RBAC, derived from the code: the six kinds (with separate rules for /status and
/// /finalizers), read-only Secrets (per-namespace credentials), and every [Rbac] permission declared
/// by the classes that call the API server. No "*" anywhere.
/// </summary>
internal static class Rbac
{
    public const string Name = "cloudtemple-operator";

    public static IReadOnlyList<object> Objects()
    {
        var declared = typeof(Rbac).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<RbacAttribute>())
            .ToList();
        var plurals = CustomResources.All.Select(t => EntityInfo.Of(t).Plural).ToList();

        var clusterRules = new List<V1PolicyRule>
        {
            new() { ApiGroups = [ApiGroup.Name], Resources = plurals, Verbs = ["get", "list", "watch", "patch"] },
            new() { ApiGroups = [ApiGroup.Name], Resources = [.. plurals.Select(p => $"{p}/status")], Verbs = ["get", "patch", "update"] },
            new() { ApiGroups = [ApiGroup.Name], Resources = [.. plurals.Select(p => $"{p}/finalizers")], Verbs = ["update"] },
            new() { ApiGroups = [string.Empty], Resources = ["secrets"], Verbs = ["get", "list", "watch"] },
        };
        clusterRules.AddRange(Rules(declared.Where(a => a.Scope == RbacScope.Cluster)));
        var namespacedRules = Rules(declared.Where(a => a.Scope == RbacScope.OperatorNamespace)).ToList();

        var subject = new Rbacv1Subject { Kind = "ServiceAccount", Name = Name, NamespaceProperty = "system" };
        return
        [
            new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = new() { Name = Name, NamespaceProperty = "system" } },
            new V1ClusterRole { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = Name }, Rules = clusterRules },
            new V1ClusterRoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = new() { Name = Name },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = Name }, Subjects = [subject],
            },
            new V1Role { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "Role", Metadata = new() { Name = $"{Name}-leader-election", NamespaceProperty = "system" }, Rules = namespacedRules },
            new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = new() { Name = $"{Name}-leader-election", NamespaceProperty = "system" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = $"{Name}-leader-election" }, Subjects = [subject],
            },
        ];
    }

    // One rule per (group, resource names) with the union of verbs, in a stable order.
    private static IEnumerable<V1PolicyRule> Rules(IEnumerable<RbacAttribute> permissions) => permissions
        .GroupBy(p => (p.Group, p.Resource, Names: string.Join(',', p.ResourceNames ?? [])))
        .OrderBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Key.Resource, StringComparer.Ordinal)
        .Select(g =>
        {
            var verbs = g.SelectMany(p => p.Verbs).Distinct().Order(StringComparer.Ordinal).ToList();
            if (verbs.Contains("*") || g.Key.Resource.Contains('*', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"[Rbac] on {g.Key.Resource} asks for '*': name the verbs and resources.");
            }

            return new V1PolicyRule
            {
                ApiGroups = [g.Key.Group],
                Resources = [g.Key.Resource],
                Verbs = verbs,
                ResourceNames = g.Key.Names.Length > 0 ? g.Key.Names.Split(',') : null,
            };
        });
}

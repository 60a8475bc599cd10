using System.Reflection;
using CloudTemple.Operator.Controllers;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;
using k8s.Models;

namespace CloudTemple.Operator.Generation;

/// <summary>One rule of the operator's RBAC, where it is granted, and the code that needs it (a comment above the rule).</summary>
internal sealed record Grant(RbacScope Scope, V1PolicyRule Rule, string UsedBy);

/// <summary>
/// The operator's RBAC, derived from the code: what the runtime does to the six kinds (read, watch,
/// patch finalizers, patch /status), the one Secret read per object, and every [Rbac] permission
/// declared by the classes that call the API server. No "*" anywhere, no verb the code does not use.
/// </summary>
internal static class Rbac
{
    public const string Name = "cloudtemple-operator";

    /// <summary>Every rule, each with the code that uses it: first the kinds and Secrets, then the declared ones.</summary>
    public static IReadOnlyList<Grant> Grants()
    {
        var plurals = CustomResources.All.Select(t => EntityInfo.Of(t).Plural).ToList();
        List<Grant> grants =
        [
            new(RbacScope.WatchedNamespaces, Rule(ApiGroup.Name, plurals, "get", "list", "watch"),
                $"{nameof(CustomObjectListWatcher<Cpool>)}: list, watch (the informers, one per kind and watched namespace); "
                + $"{nameof(EntityClient<Cpool>)}.{nameof(EntityClient<Cpool>.GetAsync)}: get (each reconcile re-reads its object); "
                + $"{nameof(ApiNamespaceView)}: get, list (the webhook's cross-object rules, in the request's namespace)"),
            new(RbacScope.WatchedNamespaces, Rule(ApiGroup.Name, plurals, "patch"),
                $"{nameof(EntityClient<Cpool>)}.{nameof(EntityClient<Cpool>.PatchFinalizersAsync)}: the finalizer is added and removed by a merge patch of metadata.finalizers. "
                + "No update on /finalizers: only OwnerReferencesPermissionEnforcement checks it, for an ownerReference with blockOwnerDeletion, which the operator never writes."),
            new(RbacScope.WatchedNamespaces, Rule(ApiGroup.Name, [.. plurals.Select(p => $"{p}/status")], "patch"),
                $"{nameof(EntityClient<Cpool>)}.{nameof(EntityClient<Cpool>.PatchStatusAsync)}: status is a merge patch to /status, never an update, never read there."),
            new(RbacScope.WatchedNamespaces, Rule(string.Empty, ["secrets"], "get"),
                $"{nameof(CredentialsResolver)}.{nameof(CredentialsResolver.ResolveAsync)}: reads one Secret by name (cloudtemple-credentials or spec.credentialsSecretRef); never lists or watches Secrets."),
        ];
        grants.AddRange(Declared());
        return grants;
    }

    /// <summary>The rules of one scope, as a YAML sequence with the code that uses each rule in a comment above it.</summary>
    public static string RulesYaml(RbacScope scope) => RulesYaml(Grants().Where(g => g.Scope == scope));

    /// <summary>
    /// The objects of config/rbac, which watches every namespace: a ServiceAccount, a ClusterRole with the
    /// rules of the watched namespaces and the cluster-scoped ones, and a Role for the leader Lease.
    /// </summary>
    public static IReadOnlyList<string> Manifests()
    {
        var grants = Grants();
        var subject = new Rbacv1Subject { Kind = "ServiceAccount", Name = Name, NamespaceProperty = "system" };
        var clusterRole = new V1ClusterRole { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRole", Metadata = new() { Name = Name } };
        var role = new V1Role { ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "Role", Metadata = new() { Name = $"{Name}-leader-election", NamespaceProperty = "system" } };
        return
        [
            Yaml.Serialize(new V1ServiceAccount { ApiVersion = "v1", Kind = "ServiceAccount", Metadata = new() { Name = Name, NamespaceProperty = "system" } }),
            Yaml.Serialize(clusterRole) + "rules:\n" + RulesYaml(grants.Where(g => g.Scope is RbacScope.WatchedNamespaces or RbacScope.Cluster)),
            Yaml.Serialize(new V1ClusterRoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "ClusterRoleBinding", Metadata = new() { Name = Name },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = Name }, Subjects = [subject],
            }),
            Yaml.Serialize(role) + "rules:\n" + RulesYaml(grants.Where(g => g.Scope == RbacScope.OperatorNamespace)),
            Yaml.Serialize(new V1RoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1", Kind = "RoleBinding", Metadata = new() { Name = $"{Name}-leader-election", NamespaceProperty = "system" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = $"{Name}-leader-election" }, Subjects = [subject],
            }),
        ];
    }

    private static string RulesYaml(IEnumerable<Grant> grants) => string.Concat(grants.Select(g =>
        $"# {g.UsedBy}\n" + Yaml.Serialize(new List<V1PolicyRule> { g.Rule })));

    private static V1PolicyRule Rule(string group, IList<string> resources, params string[] verbs) =>
        new() { ApiGroups = [group], Resources = resources, Verbs = verbs };

    // The [Rbac] attributes: one rule per (scope, group, resource, names) with the union of verbs, in a stable order.
    private static IEnumerable<Grant> Declared() => typeof(Rbac).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes<RbacAttribute>().Select(a => (Type: t, Permission: a)))
        .GroupBy(p => (p.Permission.Scope, p.Permission.Group, p.Permission.Resource, Names: string.Join(',', p.Permission.ResourceNames ?? [])))
        .OrderBy(g => g.Key.Scope).ThenBy(g => g.Key.Group, StringComparer.Ordinal).ThenBy(g => g.Key.Resource, StringComparer.Ordinal)
        .Select(g =>
        {
            var verbs = g.SelectMany(p => p.Permission.Verbs).Distinct().Order(StringComparer.Ordinal).ToList();
            if (verbs.Contains("*") || g.Key.Resource.Contains('*', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"[Rbac] on {g.Key.Resource} asks for '*': name the verbs and resources.");
            }

            if (g.Key.Names.Length > 0 && verbs.Intersect(["create", "list", "watch", "deletecollection"]).Any())
            {
                throw new InvalidOperationException($"[Rbac] on {g.Key.Resource} restricts {string.Join(", ", verbs)} to names: RBAC cannot restrict create, list, watch or deletecollection by name.");
            }

            var usedBy = string.Join("; ", g.Select(p => p.Permission.Reason is { } reason ? $"{p.Type.Name}: {reason}" : p.Type.Name).Distinct().Order(StringComparer.Ordinal));
            var rule = new V1PolicyRule
            {
                ApiGroups = [g.Key.Group],
                Resources = [g.Key.Resource],
                Verbs = verbs,
                ResourceNames = g.Key.Names.Length > 0 ? g.Key.Names.Split(',') : null,
            };
            return new Grant(g.Key.Scope, rule, usedBy);
        });
}

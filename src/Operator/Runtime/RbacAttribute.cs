namespace CloudTemple.Operator.Runtime;

/// <summary>Where a permission applies.</summary>
public enum RbacScope
{
    /// <summary>A cluster-scoped resource (e.g. a ValidatingWebhookConfiguration): always a ClusterRole.</summary>
    Cluster,

    /// <summary>The operator's own namespace, where its leader Lease lives (Role).</summary>
    OperatorNamespace,

    /// <summary>
    /// A namespaced resource in the namespaces the operator watches: a ClusterRole when it watches every
    /// namespace, a Role in each watched namespace otherwise (the chart's <c>watchNamespaces</c>).
    /// </summary>
    WatchedNamespaces,
}

/// <summary>
/// A permission the annotated class needs from the API server. `cloudtemple-operator generate rbac`
/// collects them into config/rbac, so the operator's RBAC is derived from the code that uses it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class RbacAttribute(string group, string resource, params string[] verbs) : Attribute
{
    /// <summary>The API group; empty for the core group.</summary>
    public string Group { get; } = group;

    /// <summary>The resource, possibly with a subresource (e.g. leases).</summary>
    public string Resource { get; } = resource;

    /// <summary>The verbs needed; never "*".</summary>
    public IReadOnlyList<string> Verbs { get; } = verbs;

    /// <summary>Where the permission applies.</summary>
    public RbacScope Scope { get; init; } = RbacScope.Cluster;

    /// <summary>Restricts the permission to objects of these names (not possible for create, list or watch).</summary>
    public string[]? ResourceNames { get; init; }

    /// <summary>What the permission is for, written with the class's name above the generated rule.</summary>
    public string? Reason { get; init; }
}

namespace CloudTemple.Operator.Validation;

/// <summary>A rule a spec breaks: the field, the rule's id in docs/domain.md, and a sentence a user can act on.</summary>
public sealed record Violation(string Field, string Rule, string Message)
{
    public override string ToString() => $"{Field}: {Message} (rule {Rule})";
}

/// <summary>What the cross-resource rules need to know about the other objects of a namespace.</summary>
public interface INamespaceView
{
    /// <summary>The object of kind <typeparamref name="T"/> with that name in the namespace, or null.</summary>
    Task<T?> FindAsync<T>(string namespaceName, string name, CancellationToken cancellationToken)
        where T : class, Entities.ICustomResource;

    /// <summary>Every object of kind <typeparamref name="T"/> in the namespace.</summary>
    Task<IReadOnlyList<T>> ListAsync<T>(string namespaceName, CancellationToken cancellationToken)
        where T : class, Entities.ICustomResource;
}

/// <summary>Which tenants share an object's organization (N3). Knowing it takes the platform.</summary>
public interface ITenantDirectory
{
    /// <summary>The ids of the tenants of the organization <paramref name="entity"/> is reconciled for, or null when it cannot be known now.</summary>
    Task<IReadOnlyList<string>?> OrganizationTenantsAsync(Entities.ICustomResource entity, CancellationToken cancellationToken);
}

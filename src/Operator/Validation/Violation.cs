namespace CloudTemple.Operator.Validation;

/// <summary>A rule a spec breaks: the field, the rule's id in docs/rules.md, and a sentence a user can act on.</summary>
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

    /// <summary>
    /// The objects of kind <paramref name="entityType"/>, in every namespace the operator serves, that
    /// name <paramref name="externalId"/> in spec.externalId or status.externalId (see <see cref="Ownership"/>).
    /// </summary>
    Task<IReadOnlyList<ExternalIdClaim>> ClaimsAsync(Type entityType, string externalId, CancellationToken cancellationToken);
}

/// <summary>Whose the credentials of an object are, and which tenants share their organization (N3, G2). Knowing it takes the platform.</summary>
public interface ITenantDirectory
{
    /// <summary>The ids of the tenants of the organization <paramref name="entity"/> is reconciled for, or null when it cannot be known now.</summary>
    Task<IReadOnlyList<string>?> OrganizationTenantsAsync(Entities.ICustomResource entity, CancellationToken cancellationToken);

    /// <summary>The organization and tenant of the credentials <paramref name="entity"/> is reconciled with, or null when it cannot be known now.</summary>
    Task<Platform.TenantIdentity?> RequesterAsync(Entities.ICustomResource entity, CancellationToken cancellationToken);
}

using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Validation;

/// <summary>
/// An object of a kind that names a platform id: in <c>status.externalId</c> (it manages the
/// resource) or only in <c>spec.externalId</c> (it asks to adopt it).
/// </summary>
/// <param name="Namespace">The object's namespace.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Created">When the object was created; null when the API server has not said yet.</param>
/// <param name="Manages">Whether the object's status holds the id, i.e. it created or adopted the resource.</param>
public sealed record ExternalIdClaim(string Namespace, string Name, DateTime? Created, bool Manages)
{
    /// <summary>"namespace/name".</summary>
    public override string ToString() => $"{Namespace}/{Name}";

    /// <summary>The claims <paramref name="entity"/> makes on <paramref name="externalId"/>, or null when it makes none.</summary>
    public static ExternalIdClaim? Of(ICustomResource entity, string externalId)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var manages = entity.CommonStatus.ExternalId == externalId;
        return manages || entity.CommonSpec.ExternalId == externalId
            ? new ExternalIdClaim(entity.Metadata.NamespaceProperty ?? string.Empty, entity.Metadata.Name, entity.Metadata.CreationTimestamp, manages)
            : null;
    }
}

/// <summary>
/// A platform resource is managed by exactly one object of the cluster. Among the objects that name
/// its id, the owner is the one whose status holds it (it created or adopted the resource first);
/// when several do (an adoption raced, or predates this rule), or none does yet, the oldest object
/// wins, then the first by namespace and name, so that every replica and every pass agree.
/// </summary>
public static class Ownership
{
    /// <summary>Reason of Stalled when another object already manages the id an object names.</summary>
    public const string AlreadyManaged = "AlreadyManaged";

    /// <summary>The owner of the id among <paramref name="claims"/>, or null when there are none.</summary>
    public static ExternalIdClaim? OwnerOf(IEnumerable<ExternalIdClaim> claims) =>
        claims
            .OrderByDescending(c => c.Manages)
            .ThenBy(c => c.Created ?? DateTime.MaxValue)
            .ThenBy(c => c.Namespace, StringComparer.Ordinal)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();

    /// <summary>
    /// The object that owns <paramref name="externalId"/> when it is not <paramref name="entity"/>,
    /// or null when <paramref name="entity"/> may manage it.
    /// </summary>
    public static ExternalIdClaim? OtherOwner(ICustomResource entity, string externalId, IEnumerable<ExternalIdClaim> claims)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var mine = ExternalIdClaim.Of(entity, externalId) ?? new ExternalIdClaim(entity.Metadata.NamespaceProperty ?? string.Empty, entity.Metadata.Name, entity.Metadata.CreationTimestamp, Manages: false);
        var others = claims.Where(c => !IsSame(c, mine)).ToList();
        return OwnerOf([.. others, mine]) is { } owner && !IsSame(owner, mine) ? owner : null;
    }

    /// <summary>
    /// The webhook's rule: an object may not name an id that any other object of its kind names
    /// already (in spec or status), whoever would win; the message names that object.
    /// </summary>
    public static async Task<IReadOnlyList<Violation>> CheckAsync(ICustomResource current, ICustomResource? old, INamespaceView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(view);
        if (current.CommonSpec.ExternalId is not { } id || old?.CommonSpec.ExternalId == id)
        {
            return [];
        }

        var me = new ExternalIdClaim(current.Metadata.NamespaceProperty ?? string.Empty, current.Metadata.Name, null, false);
        var claims = await view.ClaimsAsync(current.GetType(), id, cancellationToken).ConfigureAwait(false);
        return claims.FirstOrDefault(c => !IsSame(c, me)) is { } other
            ? [new Violation("spec.externalId", "ownership",
                $"{id} is already managed by {EntityName(current)} {other}: a platform resource belongs to exactly one object of the cluster")]
            : [];
    }

    private static bool IsSame(ExternalIdClaim a, ExternalIdClaim b) => a.Namespace == b.Namespace && a.Name == b.Name;

    private static string EntityName(ICustomResource entity) => entity.GetType().Name;
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// A platform resource belongs to exactly one object of its kind (see <see cref="Ownership"/>): this
/// says which other object owns an id, and stalls an object that names an id another one manages.
/// </summary>
public sealed class OwnershipGuard<T>(INamespaceView view, string noun)
    where T : class, ICustomResource
{
    /// <summary>The object of this kind that owns the platform id when it is not <paramref name="entity"/>, else null.</summary>
    public async Task<ExternalIdClaim?> OtherOwnerAsync(T entity, string id, CancellationToken cancellationToken) =>
        Ownership.OtherOwner(entity, id, await view.ClaimsAsync(typeof(T), id, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Stalled AlreadyManaged when another object manages <paramref name="id"/>, else null; an id this
    /// object's status held is let go, so that deleting this object never deletes the owner's resource.
    /// </summary>
    public async Task<Outcome?> ManagedElsewhereAsync(T entity, string id, CancellationToken cancellationToken)
    {
        if (await OtherOwnerAsync(entity, id, cancellationToken).ConfigureAwait(false) is not { } owner)
        {
            return null;
        }

        if (entity.CommonStatus.ExternalId == id)
        {
            entity.CommonStatus.ExternalId = null;
        }

        return Outcome.Stalled(Ownership.AlreadyManaged,
            $"{noun} {id} is already managed by {typeof(T).Name} {owner}: a platform resource belongs to exactly one object, and nothing was sent. Delete that object (or set its deletionPolicy: Orphan) before adopting it here.");
    }
}

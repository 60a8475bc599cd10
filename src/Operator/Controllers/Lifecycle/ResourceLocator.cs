using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>What locating an object's resource gave: the resource, nothing (create it), or an outcome that ends the pass.</summary>
public sealed record Located<TResource>(Observation<TResource>? Observed, Outcome? Outcome);

/// <summary>
/// Finds the platform resource an object stands for: by status.externalId; by spec.externalId
/// (adoption); by name when the object is only observed (import) or when an intent to create was
/// saved (the answer to the create was lost). A resource of the object's name that it did not create
/// is never adopted silently (AlreadyExists); one that another object manages, never at all.
/// </summary>
public sealed class ResourceLocator<T, TResource>(ExternalClient<T, TResource> client, ReconcileContext<T> context, OwnershipGuard<T> ownership, string noun)
    where T : class, ICustomResource
{
    private static readonly Located<TResource> s_create = new(null, null);

    private T Entity => context.Entity;

    public async Task<Located<TResource>> LocateAsync(CancellationToken cancellationToken)
    {
        var observe = Entity.CommonSpec.ManagementPolicy == ManagementPolicy.Observe;
        var canRead = client.Capabilities.HasFlag(Capabilities.Observe);
        if (Entity.CommonStatus.ExternalId is { } known)
        {
            return canRead ? await KnownAsync(known, observe, cancellationToken).ConfigureAwait(false) : Stall(Outcome.ManualOrder(client.ReadOrder(known)));
        }

        if (Entity.CommonSpec.ExternalId is { } adopt)
        {
            if (!canRead)
            {
                return Stall(Outcome.ManualOrder(client.ReadOrder(adopt)));
            }

            if (await client.ObserveAsync(adopt, cancellationToken).ConfigureAwait(false) is not { } adopted)
            {
                return Stall(Outcome.Stalled(Reasons.ExternalNotFound, $"{noun} {adopt}, named by spec.externalId, does not exist on the platform."));
            }

            context.Events.Publish(warning: false, "Adopted", "Adopt", $"Adopted {noun} {adopt} named by spec.externalId.");
            return new(adopted, null);
        }

        // A platform that cannot list never finds by name: the create says what to order.
        var byName = canRead ? await client.FindAsync(cancellationToken).ConfigureAwait(false) : null;
        var intended = Entity.CommonStatus.CreatePendingSince is not null;
        if (byName is not null && (observe || intended))
        {
            // Observe imports by name; with a saved intent, the resource of that name is the one this
            // object created before its status could say so — unless another object manages it.
            return await ownership.ManagedElsewhereAsync(Entity, byName.Id, cancellationToken).ConfigureAwait(false) is { } elsewhere
                ? Stall(elsewhere)
                : new(byName, null);
        }

        if (byName is not null)
        {
            return Stall(Outcome.Stalled(Reasons.AlreadyExists,
                $"A {noun} named '{Entity.Metadata.Name}' already exists on the platform ({byName.Id}) and is not adopted silently: set spec.externalId to {byName.Id} to adopt it, or rename this object."));
        }

        return observe
            ? Stall(Outcome.Stalled(Reasons.NotFound, $"No {noun} named '{Entity.Metadata.Name}' exists on the platform to observe: set spec.externalId."))
            : s_create;
    }

    private async Task<Located<TResource>> KnownAsync(string known, bool observe, CancellationToken cancellationToken)
    {
        if (await client.ObserveAsync(known, cancellationToken).ConfigureAwait(false) is { } observed)
        {
            return new(observed, null);
        }

        if (observe || Entity.CommonSpec.ExternalId is not null)
        {
            return Stall(Outcome.Stalled(Reasons.NotFound, $"{noun} {known} does not exist on the platform."));
        }

        // Deleted outside the operator: it is created again.
        Entity.CommonStatus.ExternalId = null;
        context.Events.Publish(warning: true, "Disappeared", "Reconcile", $"{noun} {known} disappeared from the platform; creating it again.");
        return s_create;
    }

    private static Located<TResource> Stall(Outcome outcome) => new(null, outcome);
}

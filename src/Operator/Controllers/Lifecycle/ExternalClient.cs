using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// One kind's resource on one platform, for one pass of the lifecycle: made by
/// <see cref="ManagedKind{T, TResource}.Connect"/> with the object, its resolved references and the
/// platform of its credentials. Observe never writes; Create, a planned <see cref="Change"/> and
/// Delete each send one write and return as soon as the platform accepted it. What the platform
/// cannot do is declared by <see cref="Capabilities"/> (and a change's
/// <see cref="Change.ManualOrder"/>), with the order to place: it is never discovered by calling.
/// </summary>
/// <typeparam name="T">The kind.</typeparam>
/// <typeparam name="TResource">What the kind reads on the platform.</typeparam>
public abstract class ExternalClient<T, TResource>(ReconcileContext<T> context, ResolvedReferences references)
    where T : class, ICustomResource
{
    /// <summary>The object of this pass.</summary>
    protected T Entity => context.Entity;

    /// <summary>The object's conditions, for the kind's own.</summary>
    protected ConditionSet Conditions => context.Conditions;

    /// <summary>The object's events.</summary>
    protected IEventSink Events => context.Events;

    /// <summary>The platform ids of the objects the spec references (all Ready), when the object is managed.</summary>
    protected ResolvedReferences References => references;

    /// <summary>What this platform's public API can do for the kind; the simulated platform can do everything.</summary>
    public virtual Capabilities Capabilities => Capabilities.All;

    /// <summary>Reads the resource of that id; null when the platform does not have it.</summary>
    public abstract Task<Observation<TResource>?> ObserveAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// The resource of the object's name (Observe imports by it, and a create whose answer was lost is
    /// found by it), or null.
    /// </summary>
    public abstract Task<Observation<TResource>?> FindAsync(CancellationToken cancellationToken);

    /// <summary>Rules only the platform's answers reveal, checked before a create; each a sentence naming the field and the rule.</summary>
    public virtual Task<IReadOnlyList<string>> CheckCreateAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Creates the resource.</summary>
    public abstract Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The writes that bring the resource in line with the spec, in the order to try them; none when
    /// it is up to date. Each is worked out when the lifecycle reaches it, which stops at the first one
    /// sent: a change that needs a read (the VMs on a datastore, say) reads only when its turn comes.
    /// </summary>
    public abstract IAsyncEnumerable<Change> PlanAsync(Observation<TResource> observed, CancellationToken cancellationToken);

    /// <summary>What must happen before the resource is deleted; nothing by default.</summary>
    public virtual Task<BeforeDelete> BeforeDeleteAsync(Observation<TResource> observed, CancellationToken cancellationToken) =>
        Task.FromResult(BeforeDelete.Proceed);

    /// <summary>Deletes the resource.</summary>
    public abstract Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Fills the kind's status fields, billing and conditions from what the platform showed.</summary>
    public abstract void Report(Observation<TResource> observed);

    /// <summary>
    /// Why the resource, though it exists and nothing is left to send, does not match the spec (e.g.
    /// the spec names a VM the platform does not know), as a sentence; null when it does. Asked after
    /// the changes were tried and the status reported.
    /// </summary>
    public virtual string? NotReadyBecause(Observation<TResource> observed) => null;

    /// <summary>The order to place to create the resource, when <see cref="Capabilities"/> lacks Create.</summary>
    public virtual string CreateOrder() => throw new NotSupportedException($"{GetType().Name} declares it can create.");

    /// <summary>The order to place to delete the resource, when <see cref="Capabilities"/> lacks Delete or Observe.</summary>
    public virtual string DeleteOrder(string id) => throw new NotSupportedException($"{GetType().Name} declares it can delete.");

    /// <summary>Why the resource cannot be read by id, and what to do, when <see cref="Capabilities"/> lacks Observe.</summary>
    public virtual string ReadOrder(string id) => throw new NotSupportedException($"{GetType().Name} declares it can read.");

    /// <summary>The resource of that id, or null when the platform says it does not exist.</summary>
    protected static async Task<TRead?> OrNullAsync<TRead>(Task<TRead> read)
        where TRead : class
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (PlatformNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The billing lines of an observation, as status.billing writes them.</summary>
    protected static List<BillingLine> Billing(IEnumerable<BillingItem> items) =>
        [.. items.Select(i => new BillingLine { Sku = i.Sku, Quantity = i.Quantity, Unit = i.Unit == Entities.Catalog.BillingUnit.Host ? "host" : i.Unit.ToString() })];
}

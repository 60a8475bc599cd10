using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// What the lifecycle needs to know of one kind on the Kubernetes side — its name in messages, the
/// objects its spec references, the objects that still need it — and how to make its
/// <see cref="ExternalClient{T, TResource}"/> on a platform.
/// </summary>
/// <typeparam name="T">The kind.</typeparam>
/// <typeparam name="TResource">What the kind reads on the platform.</typeparam>
public abstract class ManagedKind<T, TResource>
    where T : class, ICustomResource
{
    /// <summary>The kind's name in messages, e.g. "VLAN".</summary>
    public abstract string Noun { get; }

    /// <summary>The objects the spec references; nothing is created or changed until each exists and is Ready.</summary>
    public virtual IEnumerable<Reference> References(T entity) => [];

    /// <summary>Objects that still need this one (usage protection): its deletion waits for them.</summary>
    public virtual Task<IReadOnlyList<string>> UsedByAsync(T entity, INamespaceView view, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>The kind's client on <paramref name="platform"/> for one pass.</summary>
    public abstract ExternalClient<T, TResource> Connect(IPlatform platform, ReconcileContext<T> context, ResolvedReferences references);

    /// <summary>The reconciler of the kind.</summary>
    public ManagedReconciler<T, TResource> Reconciler(IPlatformConnections connections, ICredentialsSource credentials, INamespaceView view, ReconcilerOptions? options = null) =>
        new(this, connections, credentials, view, options);
}

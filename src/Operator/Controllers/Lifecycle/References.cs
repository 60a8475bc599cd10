using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>An object of the same namespace that a spec references by kind and name.</summary>
/// <param name="Kind">The referenced kind.</param>
/// <param name="Name">The referenced object's name.</param>
public sealed record Reference(Type Kind, string Name)
{
    // How to find an object of each kind that was ever referenced: the view is generic in the kind.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<INamespaceView, string, string, CancellationToken, Task<ICustomResource?>>> s_finders = new();

    /// <summary>A reference to the <typeparamref name="TRef"/> named <paramref name="name"/>.</summary>
    public static Reference To<TRef>(string name)
        where TRef : class, ICustomResource
    {
        s_finders.TryAdd(typeof(TRef), async (view, ns, n, ct) => await view.FindAsync<TRef>(ns, n, ct).ConfigureAwait(false));
        return new(typeof(TRef), name);
    }

    /// <summary>The referenced object, or null when it does not exist.</summary>
    internal Task<ICustomResource?> FindAsync(INamespaceView view, string ns, CancellationToken cancellationToken) =>
        s_finders[Kind](view, ns, Name, cancellationToken);
}

/// <summary>The platform ids of the referenced objects, every one of them Ready.</summary>
public sealed class ResolvedReferences
{
    private readonly Dictionary<Reference, string> _ids;

    private ResolvedReferences(Dictionary<Reference, string> ids) => _ids = ids;

    /// <summary>No references (an observed object's are not resolved: it is never written).</summary>
    public static ResolvedReferences None { get; } = new([]);

    /// <summary>The platform id of the referenced <typeparamref name="TRef"/>.</summary>
    public string IdOf<TRef>(string name)
        where TRef : class, ICustomResource =>
        _ids.TryGetValue(Reference.To<TRef>(name), out var id)
            ? id
            : throw new InvalidOperationException($"{typeof(TRef).Name} '{name}' was not resolved: declare it in ManagedKind.References.");

    /// <summary>
    /// Resolves every reference at once: their ids when all exist and are Ready; otherwise the sentence
    /// naming each that is missing or not Ready, which the <see cref="Reasons.ReferencesReady"/>
    /// condition says too.
    /// </summary>
    public static async Task<(ResolvedReferences? Resolved, string? Waiting, bool Missing)> ResolveAsync(IEnumerable<Reference> references, INamespaceView view, ObjectKey key, ConditionSet conditions, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<Reference, string>();
        var waiting = new List<string>();
        var missing = false;
        var declared = references.Distinct().ToList();
        foreach (var reference in declared)
        {
            var found = await reference.FindAsync(view, key.Namespace, cancellationToken).ConfigureAwait(false);
            var ready = found?.CommonStatus.Conditions.Any(c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True) == true;
            if (found is null || !ready || found.CommonStatus.ExternalId is not { } id)
            {
                missing |= found is null;
                waiting.Add(found is null ? $"{reference.Kind.Name} '{reference.Name}' does not exist" : $"{reference.Kind.Name} '{reference.Name}' is not Ready");
                continue;
            }

            ids[reference] = id;
        }

        if (waiting.Count > 0)
        {
            var message = BoundedText.List(waiting, "; ") + ".";
            conditions.Set(Reasons.ReferencesReady, ConditionStatus.False, Reasons.WaitingForReferences, message);
            return (null, message, missing);
        }

        if (declared.Count > 0)
        {
            conditions.Set(Reasons.ReferencesReady, ConditionStatus.True, "ReferencesReady", "Every referenced object is Ready.");
        }

        return (new ResolvedReferences(ids), null, false);
    }
}

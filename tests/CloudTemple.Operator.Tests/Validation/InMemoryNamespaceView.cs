using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Tests.Validation;

/// <summary>The objects of a cluster as a list in memory, for the rules' unit tests: empty unless objects are added.</summary>
internal sealed class InMemoryNamespaceView : INamespaceView
{
    private readonly List<ICustomResource> _objects = [];

    public void Add(ICustomResource entity) => _objects.Add(entity);

    public Task<T?> FindAsync<T>(string namespaceName, string name, CancellationToken cancellationToken)
        where T : class, ICustomResource =>
        Task.FromResult(_objects.OfType<T>().FirstOrDefault(o => o.Metadata.Name == name && o.Metadata.NamespaceProperty == namespaceName));

    public Task<IReadOnlyList<T>> ListAsync<T>(string namespaceName, CancellationToken cancellationToken)
        where T : class, ICustomResource =>
        Task.FromResult<IReadOnlyList<T>>([.. _objects.OfType<T>().Where(o => o.Metadata.NamespaceProperty == namespaceName)]);

    public Task<IReadOnlyList<ExternalIdClaim>> ClaimsAsync(Type entityType, string externalId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExternalIdClaim>>([.. _objects.Where(o => o.GetType() == entityType).Select(o => ExternalIdClaim.Of(o, externalId)).OfType<ExternalIdClaim>()]);
}

using System.Net;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using k8s.Autorest;

namespace CloudTemple.Operator.Validation;

/// <summary>
/// The namespace as the API server has it now: what the webhook checks cross-object rules against.
/// <paramref name="namespaces"/> are those the operator serves (empty: every namespace), where
/// <see cref="ClaimsAsync"/> looks for the objects that name a platform id.
/// </summary>
public sealed class ApiNamespaceView(IKubernetes client, IReadOnlyList<string>? namespaces = null) : INamespaceView
{
    public async Task<T?> FindAsync<T>(string namespaceName, string name, CancellationToken cancellationToken)
        where T : class, ICustomResource
    {
        var info = EntityInfo.Of<T>();
        try
        {
            var json = await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(
                info.Group, info.Version, namespaceName, info.Plural, name, cancellationToken).ConfigureAwait(false);
            return KubernetesJson.Deserialize<T>(json.ToJsonString());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<T>> ListAsync<T>(string namespaceName, CancellationToken cancellationToken)
        where T : class, ICustomResource
    {
        var info = EntityInfo.Of<T>();
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(
            info.Group, info.Version, namespaceName, info.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. (list["items"]?.AsArray() ?? []).Select(item => KubernetesJson.Deserialize<T>(item!.ToJsonString()))];
    }

    public async Task<IReadOnlyList<ExternalIdClaim>> ClaimsAsync(Type entityType, string externalId, CancellationToken cancellationToken)
    {
        var info = EntityInfo.Of(entityType);
        IEnumerable<Task<JsonObject>> lists = namespaces is { Count: > 0 }
            ? namespaces.Select(ns => client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(info.Group, info.Version, ns, info.Plural, cancellationToken: cancellationToken))
            : [client.CustomObjects.ListClusterCustomObjectAsync<JsonObject>(info.Group, info.Version, info.Plural, cancellationToken: cancellationToken)];
        var claims = new List<ExternalIdClaim>();
        foreach (var list in await Task.WhenAll(lists).ConfigureAwait(false))
        {
            // Read from the JSON, not deserialized: an object the C# types cannot read still holds its id.
            foreach (var item in (list["items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var (inSpec, inStatus) = (Text(item["spec"]?["externalId"]), Text(item["status"]?["externalId"]));
                if (inSpec == externalId || inStatus == externalId)
                {
                    var metadata = item["metadata"];
                    DateTime? created = DateTime.TryParse(Text(metadata?["creationTimestamp"]), System.Globalization.CultureInfo.InvariantCulture,
                        System.Globalization.DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
                    claims.Add(new ExternalIdClaim(Text(metadata?["namespace"]) ?? string.Empty, Text(metadata?["name"]) ?? string.Empty, created, inStatus == externalId));
                }
            }
        }

        return claims;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

using System.Net;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using k8s.Autorest;

namespace CloudTemple.Operator.Validation;

/// <summary>The namespace as the API server has it now: what the webhook checks cross-object rules against.</summary>
public sealed class ApiNamespaceView(IKubernetes client) : INamespaceView
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
}

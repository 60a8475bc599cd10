using System.Net;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CloudTemple.Operator.Runtime;

/// <summary>The API calls the runtime makes on one kind, typed.</summary>
public sealed class EntityClient<T>(IKubernetes client)
    where T : class, ICustomResource
{
    public EntityInfo Info { get; } = EntityInfo.Of<T>();

    /// <summary>
    /// Reads the object, or null when it does not exist. Throws <see cref="UndecodableObjectException"/>
    /// when it exists but cannot be read as <typeparamref name="T"/>.
    /// </summary>
    public async Task<T?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        try
        {
            var json = await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(
                Info.Group, Info.Version, key.Namespace, Info.Plural, key.Name, cancellationToken).ConfigureAwait(false);
            return EntityDecoder.TryDecode<T>(json, out var entity, out var failure) ? entity : throw new UndecodableObjectException(failure);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes the object's finalizers, on condition that it has not changed since it was read
    /// (its resourceVersion); a <see cref="ConflictException"/> says it had.
    /// </summary>
    public async Task<T> PatchFinalizersAsync(T entity, IList<string> finalizers, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = entity.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode?)JsonValue.Create(f))]),
            },
        };
        return await PatchAsync(entity, patch, status: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the status as a merge patch to the /status subresource, only the fields that differ
    /// from <paramref name="statusAsRead"/>, on condition that the object has not changed since it
    /// was read; a <see cref="ConflictException"/> says it had.
    /// </summary>
    public async Task<T> PatchStatusAsync(T entity, JsonObject? statusAsRead, CancellationToken cancellationToken)
    {
        var status = StatusDocument.Of(entity);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = entity.Metadata.ResourceVersion },
            ["status"] = statusAsRead is null ? status : JsonMergePatch.Create(statusAsRead, status),
        };
        return await PatchAsync(entity, patch, status: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> PatchAsync(T entity, JsonObject patch, bool status, CancellationToken cancellationToken)
    {
        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
        var key = ObjectKey.Of(entity);
        try
        {
            var result = status
                ? await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<JsonObject>(
                    body, Info.Group, Info.Version, key.Namespace, Info.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CustomObjects.PatchNamespacedCustomObjectAsync<JsonObject>(
                    body, Info.Group, Info.Version, key.Namespace, Info.Plural, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return KubernetesJson.Deserialize<T>(result.ToJsonString());
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            throw new ConflictException($"{Info.Kind} {key} changed since it was read.", e);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            // Bounded: the answer quotes the refused values and the patch may hold a whole status, and
            // this message is logged at every retry and becomes the Synced condition's.
            throw new InvalidOperationException(
                $"The API server refused the patch of {Info.Kind} {key}: {BoundedText.Truncate(e.Response.Content, 2048)}\nPatch: {BoundedText.Truncate(patch.ToJsonString(), 2048)}", e);
        }
    }
}

/// <summary>An object's status as JSON, the way it travels.</summary>
public static class StatusDocument
{
    /// <summary>The status of <paramref name="entity"/>; an empty object when it has none.</summary>
    public static JsonObject Of(ICustomResource entity) =>
        JsonNode.Parse(KubernetesJson.Serialize(entity))!.AsObject()["status"] is JsonObject status
            ? (JsonObject)status.DeepClone()
            : [];
}

/// <summary>The object exists but cannot be read as its kind: the informer reports it, and it is processed again once it can be read.</summary>
public sealed class UndecodableObjectException(UndecodableObject failure)
    : Exception($"{failure} cannot be read at {failure.Path}: {failure.Error}")
{
    public UndecodableObject Failure { get; } = failure;
}

/// <summary>The object changed since it was read: the write was refused, and the key is processed again at once.</summary>
public sealed class ConflictException(string message, Exception inner) : Exception(message, inner);

using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using k8s;
using k8s.Autorest;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// Lists (a page at a time) and watches (with bookmarks) one custom kind, in one namespace or in all, as raw
/// JSON: the informer decodes each object on its own, so that one it cannot read fails alone.
/// </summary>
public sealed class CustomObjectListWatcher<T>(IKubernetes client, string? namespaceName, int pageSize = 500) : IListWatcher<T>
    where T : class, ICustomResource
{
    private readonly EntityInfo _info = EntityInfo.Of<T>();

    public string? Namespace => namespaceName;

    public async IAsyncEnumerable<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? continueToken = null;
        do
        {
            var page = namespaceName is null
                ? await client.CustomObjects.ListClusterCustomObjectAsync<JsonObject>(
                    _info.Group, _info.Version, _info.Plural, continueParameter: continueToken, limit: pageSize,
                    cancellationToken: cancellationToken).ConfigureAwait(false)
                : await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(
                    _info.Group, _info.Version, namespaceName, _info.Plural, continueParameter: continueToken, limit: pageSize,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            var metadata = page["metadata"]!;
            continueToken = (string?)metadata["continue"];

            // One page at a time: the caller has read it before the next is asked for, so a list of
            // any length never holds more than a page of raw JSON.
            yield return ([.. (page["items"]?.AsArray() ?? []).OfType<JsonObject>()], (string)metadata["resourceVersion"]!);
        }
        while (!string.IsNullOrEmpty(continueToken));
    }

    public async IAsyncEnumerable<(WatchEventType Type, JsonObject Object)> WatchAsync(
        string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Exception? streamError = null;
        Task<HttpOperationResponse<object>> response;
        try
        {
            response = namespaceName is null
                ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<object>(
                    _info.Group, _info.Version, _info.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion,
                    timeoutSeconds: (int)timeout.TotalSeconds, watch: true, cancellationToken: cancellationToken)
                : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<object>(
                    _info.Group, _info.Version, namespaceName, _info.Plural, allowWatchBookmarks: true, resourceVersion: resourceVersion,
                    timeoutSeconds: (int)timeout.TotalSeconds, watch: true, cancellationToken: cancellationToken);
            await response.ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
        {
            throw new ResourceExpiredException(e.Message);
        }

        // WatchAsync has no typed replacement yet (kubernetes-client/csharp#1758).
#pragma warning disable CS0618 // Obsolete: see the line above.
        var events = response.WatchAsync<JsonObject, object>(onError: e => streamError ??= e, cancellationToken: cancellationToken);
#pragma warning restore CS0618
        await foreach (var item in events.ConfigureAwait(false))
        {
            yield return item;
            ThrowIfFailed(streamError);
        }

        ThrowIfFailed(streamError);
    }

    // A 410 arrives as an ERROR event in the stream, which the client reports through onError.
    private static void ThrowIfFailed(Exception? error)
    {
        switch (error)
        {
            case null:
                return;
            case KubernetesException { Status.Code: (int)HttpStatusCode.Gone } gone:
                throw new ResourceExpiredException(gone.Message);
            default:
                throw new IOException("The watch stream failed.", error);
        }
    }
}

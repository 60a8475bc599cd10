using System.Text.Json;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;
using k8s;

namespace CloudTemple.Operator.Webhooks;

/// <summary>
/// Answers an admission.k8s.io/v1 AdmissionReview for one kind: the object (and, on update, the old
/// one) is checked against the layer-W rules; a refusal lists the broken rules with their fields, in
/// one message, with HTTP code 422 (Invalid), which kubectl prints as the webhook's answer.
/// </summary>
/// <remarks>
/// It fails closed and politely: a review it cannot read (no request, no uid, wrong types, an object
/// that is not this kind's) throws <see cref="MalformedReviewException"/> naming what is wrong, which
/// the endpoint answers with HTTP 400; a review of another kind than the route's is refused. What
/// cannot change the spec is allowed at once, without reading the namespace: a DELETE, and an UPDATE
/// whose spec is unchanged (metadata or status only), so that a finalizer can always be removed,
/// whatever the spec or the rules have become since.
/// </remarks>
public static class AdmissionHandler
{
    /// <summary>The most violations a refusal names one by one; the others are counted.</summary>
    public const int ReportedViolations = 20;

    public static Task<JsonObject> ReviewAsync<T>(JsonObject review, INamespaceView view, CancellationToken cancellationToken)
        where T : class, ICustomResource =>
        ReviewAsync<T>(review, view, tenants: null, cancellationToken);

    /// <summary>Answers the review; <paramref name="tenants"/> lets it check N3 when the platform can tell.</summary>
    /// <exception cref="MalformedReviewException">The review cannot be read: the reason names the field.</exception>
    public static async Task<JsonObject> ReviewAsync<T>(JsonObject review, INamespaceView view, ITenantDirectory? tenants, CancellationToken cancellationToken)
        where T : class, ICustomResource
    {
        var request = AdmissionRequest.Read(review);
        var info = EntityInfo.Of<T>();
        if (request.OtherKind(info) is { } other)
        {
            return Answer(request.Uid, 400, "BadRequest",
                $"this webhook validates {info.Kind} ({info.ApiVersion}), not {other}: the ValidatingWebhookConfiguration sends the wrong kind to {WebhookEndpoints.PathOf(typeof(T))}");
        }

        if (request.Operation is "DELETE" or "CONNECT" || (request.Operation == "UPDATE" && request.SpecUnchanged))
        {
            return Answer(request.Uid);
        }

        var current = Read<T>(request.Object!, "request.object", request.Namespace);
        var old = request.OldObject is { } previous ? Read<T>(previous, "request.oldObject", request.Namespace) : null;
        IReadOnlyList<Violation> violations =
        [
            .. await SpecRules.CheckAsync(current, old, view, tenants, cancellationToken).ConfigureAwait(false),
            .. await Ownership.CheckAsync(current, old, view, cancellationToken).ConfigureAwait(false),
            .. await TenancyRules.CheckAsync(current, old, tenants, cancellationToken).ConfigureAwait(false),
        ];
        if (violations.Count == 0)
        {
            return Answer(request.Uid);
        }

        var message = string.Join("; ", violations.Take(ReportedViolations).Select(v => v.ToString()));
        if (violations.Count > ReportedViolations)
        {
            message += $"; and {violations.Count - ReportedViolations} more";
        }

        return Answer(request.Uid, 422, "Invalid", message);
    }

    private static JsonObject Answer(string uid, int? code = null, string? reason = null, string? message = null)
    {
        var response = new JsonObject { ["uid"] = uid, ["allowed"] = code is null };
        if (code is not null)
        {
            response["status"] = new JsonObject { ["code"] = code, ["reason"] = reason, ["message"] = message };
        }

        return new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["response"] = response,
        };
    }

    private static T Read<T>(JsonObject json, string field, string? namespaceName)
        where T : class, ICustomResource
    {
        T? entity;
        try
        {
            entity = KubernetesJson.Deserialize<T>(json.ToJsonString());
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new MalformedReviewException($"{field} cannot be read as a {EntityInfo.Of<T>().Kind}: {e.Message}");
        }

        if (entity?.Metadata is null || entity.CommonSpec is null)
        {
            throw new MalformedReviewException($"{field} has no metadata or no spec: it is not a {EntityInfo.Of<T>().Kind}");
        }

        // On create the object may not carry its namespace yet; the request does.
        entity.Metadata.NamespaceProperty ??= namespaceName;
        return entity;
    }

    // The fields of request the answer depends on, read strictly: a missing or mistyped one is named.
    private sealed record AdmissionRequest(
        string Uid, string Operation, JsonObject Kind, string? Namespace, JsonObject? Object, JsonObject? OldObject)
    {
        private static readonly string[] s_operations = ["CREATE", "UPDATE", "DELETE", "CONNECT"];

        public bool SpecUnchanged => JsonNode.DeepEquals(Object?["spec"], OldObject?["spec"]);

        public static AdmissionRequest Read(JsonObject review)
        {
            if ((review["apiVersion"] as JsonValue)?.TryGetValue<string>(out var apiVersion) != true || apiVersion != "admission.k8s.io/v1"
                || (review["kind"] as JsonValue)?.TryGetValue<string>(out var kind) != true || kind != "AdmissionReview")
            {
                throw new MalformedReviewException("an admission.k8s.io/v1 AdmissionReview was expected (apiVersion and kind)");
            }

            if (review["request"] is not JsonObject request)
            {
                throw new MalformedReviewException("the AdmissionReview has no request object");
            }

            var uid = String(request, "uid") ?? throw new MalformedReviewException("request.uid is missing: the answer must carry it");
            var operation = String(request, "operation");
            if (operation is null || !s_operations.Contains(operation))
            {
                throw new MalformedReviewException($"request.operation must be one of {string.Join(", ", s_operations)}");
            }

            if (request["kind"] is not JsonObject requestKind || String(requestKind, "kind") is null)
            {
                throw new MalformedReviewException("request.kind is missing: it must name the group, version and kind of the object");
            }

            var namespaceName = request["namespace"] is null ? null : String(request, "namespace") ?? throw new MalformedReviewException("request.namespace must be a string");
            var current = ObjectField(request, "object", required: operation is "CREATE" or "UPDATE");
            var old = ObjectField(request, "oldObject", required: operation == "UPDATE");
            return new AdmissionRequest(uid, operation, requestKind, namespaceName, current, old);
        }

        /// <summary>The group/version and kind of the request or its objects when they are not <paramref name="info"/>'s; null when they are.</summary>
        public string? OtherKind(EntityInfo info)
        {
            var (group, version, kind) = (String(Kind, "group") ?? string.Empty, String(Kind, "version"), String(Kind, "kind"));
            if (group != info.Group || kind != info.Kind || (version is not null && version != info.Version))
            {
                return $"{kind} ({group}/{version})";
            }

            foreach (var candidate in new[] { Object, OldObject }.OfType<JsonObject>())
            {
                var (objectKind, objectVersion) = (String(candidate, "kind"), String(candidate, "apiVersion"));
                if (objectKind != info.Kind || objectVersion != info.ApiVersion)
                {
                    return $"{objectKind ?? "an object without kind"} ({objectVersion ?? "no apiVersion"})";
                }
            }

            return null;
        }

        private static string? String(JsonObject owner, string name) =>
            owner[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;

        private static JsonObject? ObjectField(JsonObject request, string name, bool required) => request[name] switch
        {
            JsonObject value => value,
            null when !required => null,
            _ => throw new MalformedReviewException($"request.{name} must be an object"),
        };
    }
}

/// <summary>An AdmissionReview the webhook cannot read; the message names what is wrong. The endpoint answers HTTP 400.</summary>
public sealed class MalformedReviewException(string message) : Exception(message);

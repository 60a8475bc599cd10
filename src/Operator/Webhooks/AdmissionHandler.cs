using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Validation;
using k8s;

namespace CloudTemple.Operator.Webhooks;

/// <summary>
/// Answers an admission.k8s.io/v1 AdmissionReview for one kind: the object (and, on update, the old
/// one) is checked against the layer-W rules; a refusal lists every broken rule with its field, in
/// one message, with HTTP code 422 (Invalid), which kubectl prints as the webhook's answer.
/// </summary>
public static class AdmissionHandler
{
    public static Task<JsonObject> ReviewAsync<T>(JsonObject review, INamespaceView view, CancellationToken cancellationToken)
        where T : class, ICustomResource =>
        ReviewAsync<T>(review, view, tenants: null, cancellationToken);

    /// <summary>Answers the review; <paramref name="tenants"/> lets it check N3 when the platform can tell.</summary>
    public static async Task<JsonObject> ReviewAsync<T>(JsonObject review, INamespaceView view, ITenantDirectory? tenants, CancellationToken cancellationToken)
        where T : class, ICustomResource
    {
        var request = review["request"]?.AsObject() ?? throw new ArgumentException("The AdmissionReview has no request.", nameof(review));
        var uid = (string?)request["uid"] ?? string.Empty;
        var operation = (string?)request["operation"];
        IReadOnlyList<Violation> violations = [];
        if (operation is "CREATE" or "UPDATE" && request["object"] is JsonObject current)
        {
            var entity = Read<T>(current, (string?)request["namespace"]);
            var old = operation == "UPDATE" && request["oldObject"] is JsonObject previous ? Read<T>(previous, (string?)request["namespace"]) : null;
            violations =
            [
                .. await SpecRules.CheckAsync(entity, old, view, tenants, cancellationToken).ConfigureAwait(false),
                .. await Ownership.CheckAsync(entity, old, view, cancellationToken).ConfigureAwait(false),
                .. await TenancyRules.CheckAsync(entity, old, tenants, cancellationToken).ConfigureAwait(false),
            ];
        }

        var response = new JsonObject { ["uid"] = uid, ["allowed"] = violations.Count == 0 };
        if (violations.Count > 0)
        {
            response["status"] = new JsonObject
            {
                ["code"] = 422,
                ["reason"] = "Invalid",
                ["message"] = string.Join("; ", violations.Select(v => v.ToString())),
            };
        }

        return new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["response"] = response,
        };
    }

    private static T Read<T>(JsonObject json, string? namespaceName)
    {
        var entity = KubernetesJson.Deserialize<T>(json.ToJsonString());
        if (entity is ICustomResource resource && resource.Metadata.NamespaceProperty is null)
        {
            // On create the object may not carry its namespace yet; the request does.
            resource.Metadata.NamespaceProperty = namespaceName;
        }

        return entity;
    }
}

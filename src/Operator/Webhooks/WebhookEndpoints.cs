using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Webhooks;

/// <summary>The validating webhook's routes: POST /validate/{plural} for each kind.</summary>
public static class WebhookEndpoints
{
    /// <summary>The path the API server posts an AdmissionReview for kind <paramref name="entityType"/> to.</summary>
    public static string PathOf(Type entityType) => $"/validate/{EntityInfo.Of(entityType).Plural}";

    /// <summary>Maps the six kinds' validation routes; returns the builders, e.g. to restrict them to the webhook's port.</summary>
    public static IReadOnlyList<IEndpointConventionBuilder> MapValidation(this IEndpointRouteBuilder endpoints, INamespaceView view, ITenantDirectory? tenants = null) =>
    [
        Map<Cpool>(endpoints, view, tenants),
        Map<BlockVolume>(endpoints, view, tenants),
        Map<Vlan>(endpoints, view, tenants),
        Map<BackupPolicy>(endpoints, view, tenants),
        Map<VmReplication>(endpoints, view, tenants),
        Map<HsmKeyProvider>(endpoints, view, tenants),
    ];

    private static RouteHandlerBuilder Map<T>(IEndpointRouteBuilder endpoints, INamespaceView view, ITenantDirectory? tenants)
        where T : class, ICustomResource =>
        endpoints.MapPost(PathOf(typeof(T)), async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var review = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (review is not JsonObject reviewObject)
            {
                return Results.BadRequest("An AdmissionReview object was expected.");
            }

            var answer = await AdmissionHandler.ReviewAsync<T>(reviewObject, view, tenants, cancellationToken).ConfigureAwait(false);
            return Results.Text(answer.ToJsonString(), "application/json");
        });
}

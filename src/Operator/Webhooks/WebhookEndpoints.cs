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
    public static IReadOnlyList<IEndpointConventionBuilder> MapValidation(this IEndpointRouteBuilder endpoints, INamespaceView view) =>
    [
        Map<Cpool>(endpoints, view),
        Map<BlockVolume>(endpoints, view),
        Map<Vlan>(endpoints, view),
        Map<BackupPolicy>(endpoints, view),
        Map<VmReplication>(endpoints, view),
        Map<HsmKeyProvider>(endpoints, view),
    ];

    private static RouteHandlerBuilder Map<T>(IEndpointRouteBuilder endpoints, INamespaceView view)
        where T : class, ICustomResource =>
        endpoints.MapPost(PathOf(typeof(T)), async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var review = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (review is not JsonObject reviewObject)
            {
                return Results.BadRequest("An AdmissionReview object was expected.");
            }

            var answer = await AdmissionHandler.ReviewAsync<T>(reviewObject, view, cancellationToken).ConfigureAwait(false);
            return Results.Text(answer.ToJsonString(), "application/json");
        });
}

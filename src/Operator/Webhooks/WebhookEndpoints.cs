using System.Text.Json;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;
using Microsoft.AspNetCore.Http.Features;

namespace CloudTemple.Operator.Webhooks;

/// <summary>
/// The validating webhook's routes: POST /validate/{plural} for each kind. A body the handler cannot
/// read is answered 400 with the reason as text, a body above <see cref="MaxRequestBodyBytes"/> 413
/// before it is read whole: never a 500, never an empty body.
/// </summary>
public static class WebhookEndpoints
{
    /// <summary>
    /// The largest AdmissionReview accepted: 3 MiB, the API server's own limit on a request body
    /// (an object and its old version fit in a review, as etcd stores objects of at most 1.5 MiB).
    /// </summary>
    public const long MaxRequestBodyBytes = 3 * 1024 * 1024;

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
        endpoints.MapPost(PathOf(typeof(T)), async (HttpContext context, CancellationToken cancellationToken) =>
        {
            if (context.Request.ContentLength > MaxRequestBodyBytes)
            {
                return TooLarge();
            }

            // Kestrel counts the bytes of a body without Content-Length (chunked) and stops at the limit.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRequestBodyBytes;
            }

            try
            {
                var review = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (review is not JsonObject reviewObject)
                {
                    return BadRequest($"an AdmissionReview object was expected, not {(review is null ? "null" : review.GetValueKind().ToString().ToLowerInvariant())}");
                }

                var answer = await AdmissionHandler.ReviewAsync<T>(reviewObject, view, tenants, cancellationToken).ConfigureAwait(false);
                return Results.Text(answer.ToJsonString(), "application/json");
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge();
            }
            catch (JsonException e)
            {
                return BadRequest($"the body is not JSON: {e.Message}");
            }
            catch (MalformedReviewException e)
            {
                return BadRequest(e.Message);
            }
        });

    private static IResult BadRequest(string reason) =>
        Results.Text($"Malformed AdmissionReview: {reason}\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    private static IResult TooLarge() =>
        Results.Text($"The AdmissionReview is larger than {MaxRequestBodyBytes} bytes (3 MiB, the API server's own request limit).\n",
            "text/plain; charset=utf-8", statusCode: StatusCodes.Status413PayloadTooLarge);
}

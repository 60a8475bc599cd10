using System.Text.Json;
using CloudTemple.Operator.Simulator.Model;
using Microsoft.AspNetCore.WebUtilities;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>The caller asked for another tenant's resource (HTTP 403).</summary>
public sealed class ForbiddenException : Exception
{
    public ForbiddenException()
    {
    }

    public ForbiddenException(string message)
        : base(message)
    {
    }

    public ForbiddenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Answers shared by both APIs: errors, accepted writes, activities, and the caller's tenant.</summary>
internal static class Api
{
    private const string CallerKey = "cloudtemple.caller";

    /// <summary>The error body of the real API, <c>{"error":{"status","message"}}</c>, plus the rule of a refusal.</summary>
    public static IResult Error(int statusCode, string message, string? rule = null) =>
        Results.Json(
            new { error = new ErrorBody($"{statusCode} {ReasonPhrases.GetReasonPhrase(statusCode)}", message, rule) },
            statusCode: statusCode);

    /// <summary>Writes an error answer directly (middleware, before or instead of an endpoint).</summary>
    public static Task WriteErrorAsync(HttpContext context, int statusCode, string message, string? rule = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = statusCode;
        return context.Response.WriteAsJsonAsync(new { error = new ErrorBody($"{statusCode} {ReasonPhrases.GetReasonPhrase(statusCode)}", message, rule) });
    }

    /// <summary>The location of an activity.</summary>
    public static string ActivityLocation(string activityId) => $"/api/activity/v1/activities/{activityId}";

    /// <summary>A write of the simulator's provisioning API: 202, Location, and the ids.</summary>
    public static IResult Accepted(Accepted accepted) =>
        Results.Accepted(ActivityLocation(accepted.OperationId), new { activityId = accepted.OperationId, resourceId = accepted.ResourceId });

    /// <summary>A write of the real API's shape: 201 with the activity in the Location header.</summary>
    public static IResult Created(Accepted accepted) => Results.Created(ActivityLocation(accepted.OperationId), (object?)null);

    /// <summary>An activity as the real API shows it: the one-key state object and the concerned items.</summary>
    public static object Activity(PlatformOperation op)
    {
        ArgumentNullException.ThrowIfNull(op);
        object state = op.State switch
        {
            OperationState.Waiting => new { waiting = new { } },
            OperationState.Running => new { running = new { status = op.Description, startDate = op.StartDate, progression = op.Progression ?? 0 } },
            OperationState.Failed => new { failed = new { startDate = op.StartDate, stopDate = op.StopDate, reason = op.Reason } },
            _ => new { completed = new { startDate = op.StartDate, stopDate = op.StopDate, result = op.Result } },
        };
        return new
        {
            id = op.Id,
            tenantId = op.TenantId,
            description = op.Description,
            type = op.ConcernedItem.Type,
            creationDate = op.CreatedAt,
            concernedItems = new[] { new { type = op.ConcernedItem.Type, id = op.ConcernedItem.Id } },
            state,
        };
    }

    /// <summary>Records the authenticated caller.</summary>
    public static void SetCaller(HttpContext context, Caller caller) => context.Items[CallerKey] = caller;

    /// <summary>The authenticated caller.</summary>
    public static Caller Caller(HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var caller) && caller is Caller c ? c : throw new InvalidOperationException("No caller: the route is not behind authentication.");

    /// <summary>Throws 404 for an unknown id and 403 for another tenant's resource.</summary>
    public static void RequireOwn(SimulatedPlatform platform, HttpContext context, string resourceId)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var (exists, owner) = platform.GetOwner(resourceId);
        if (!exists)
        {
            throw new PlatformNotFoundException($"Resource '{resourceId}' does not exist on the platform.");
        }

        if (owner != Caller(context).TenantId)
        {
            throw new ForbiddenException($"Resource '{resourceId}' belongs to another tenant.");
        }
    }

    /// <summary>Maps the platform's exceptions to answers: refusal 400 (409 on a conflict), unknown 404, another tenant's 403.</summary>
    public static async Task HandleErrorsAsync(HttpContext context, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next().ConfigureAwait(false);
        }
        catch (PlatformRefusedException refusal)
        {
            await WriteErrorAsync(context, refusal.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest, refusal.Message, refusal.Rule).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException missing)
        {
            await WriteErrorAsync(context, StatusCodes.Status404NotFound, missing.Message).ConfigureAwait(false);
        }
        catch (ForbiddenException denied)
        {
            await WriteErrorAsync(context, StatusCodes.Status403Forbidden, denied.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BadHttpRequestException or JsonException or ArgumentException)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, e.Message).ConfigureAwait(false);
        }
    }

    private sealed record ErrorBody(string Status, string Message, [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Rule);
}

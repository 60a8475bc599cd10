using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace CloudTemple.Operator.Platform.Http;

/// <summary>What a write is about, to tell the caller how to check it when its answer is lost.</summary>
/// <param name="Operation">A sentence, e.g. "create cpool 'prod'".</param>
/// <param name="Kind">The kind of resource, e.g. "cpool".</param>
/// <param name="Name">For a create, the name to look it up by.</param>
/// <param name="ResourceId">For a change, the resource's id.</param>
/// <param name="Touches">Other resources the write changes (e.g. the policies an SLA assignment adds to VMs), by id.</param>
internal sealed record WriteIntent(string Operation, string Kind, string? Name = null, string? ResourceId = null, IReadOnlyList<string>? Touches = null);

/// <summary>
/// One connection to the platform for one set of credentials: the HTTP client, the token, the
/// resilience pipelines, and the mapping of answers to the driver's errors. Thread-safe.
/// </summary>
internal sealed class PlatformSession : IDisposable
{
    /// <summary>The JSON of both APIs: camelCase, enums as strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private const string ActivitiesList = "api/activity/v1/activities";
    private const int InFlightPruneAbove = 10_000;
    private const string ActivitiesRoute = ActivitiesList + "/";
    private readonly HttpClient _http;
    private readonly ResiliencePipelines _pipelines;
    private readonly TokenCache _tokens;
    private readonly ConcurrentDictionary<string, int> _activityMisses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Written> _inFlight = new(StringComparer.Ordinal);
    private readonly ObservationCache _cache;

    public PlatformSession(PlatformCredentials credentials, PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var baseUrl = credentials.BaseUrl ?? options.BaseUrl;
        var handler = options.HandlerFactory?.Invoke() ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _pipelines = new ResiliencePipelines(options);
        _cache = new ObservationCache(options);
        var id = credentials.Id;
        var secret = credentials.Secret;
        _tokens = new TokenCache(options, ct => SendThroughAsync(
            _pipelines.Reads,
            TokenCache.Route,
            () => new HttpRequestMessage(HttpMethod.Post, TokenCache.Route) { Content = JsonContent.Create(new { id, secret }) },
            write: null,
            ct));
    }

    /// <summary>The options of the session.</summary>
    public PlatformOptions Options { get; }

    /// <summary>How many token exchanges the session made.</summary>
    public int TokenExchanges => _tokens.Exchanges;

    /// <summary>The Retry-After of an answer (delta or date), or null.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage? response) =>
        response?.Headers.RetryAfter is { } retry
            ? retry.Delta ?? (retry.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;

    /// <summary>Reads and deserializes a GET's answer; 404 throws <see cref="PlatformNotFoundException"/>, a partial list (206) <see cref="PlatformUnavailableException"/>.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, body: null, write: null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            // A partial list never proves that something is absent: a name lookup on it could double-create.
            throw new PlatformUnavailableException($"The platform answered a partial list (HTTP 206) to GET /{path}") { StatusCode = 206 };
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
                ?? throw new PlatformException($"The platform answered an empty body to GET /{path}");
        }
        catch (JsonException e)
        {
            throw new PlatformException($"The platform answered GET /{path} with a body the driver cannot read", e);
        }
    }

    /// <summary>
    /// The item of that id, from the shared list of <paramref name="route"/> (one asked after the
    /// item's last write or operation end); an item the list lacks is read at <c>route/id</c>, whose
    /// 404 throws <see cref="PlatformNotFoundException"/>: absence is never concluded from a list alone.
    /// </summary>
    public async Task<T> ItemAsync<T>(string route, string id, Func<T, string> idOf, CancellationToken cancellationToken)
    {
        var listing = await ListAsync<T>(route, _cache.NotBefore(id), cancellationToken).ConfigureAwait(false);
        return listing.Items.FirstOrDefault(item => idOf(item) == id) is { } found
            ? found
            : await GetAsync<T>($"{route}/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The first item of the shared list of <paramref name="route"/> that matches, or null when a whole
    /// list (200) has none; a partial list (206) without it throws <see cref="PlatformUnavailableException"/>.
    /// The list is asked after the last create of that kind and name this session sent, and after the
    /// last write or operation end on the item found.
    /// </summary>
    public async Task<T?> FindAsync<T>(string route, string kind, string name, Func<T, string> idOf, Func<T, bool> match, CancellationToken cancellationToken, bool last = false)
        where T : class
    {
        var notBefore = _cache.NotBefore(ObservationCache.NameKey(kind, name));
        while (true)
        {
            var listing = await ListAsync<T>(route, notBefore, cancellationToken).ConfigureAwait(false);
            var found = last ? listing.Items.LastOrDefault(match) : listing.Items.FirstOrDefault(match);
            if (found is null)
            {
                return listing.Complete ? null : throw Partial(route);
            }

            var touched = _cache.NotBefore(idOf(found));
            if (touched <= listing.AskedAt)
            {
                return found;
            }

            notBefore = touched;
        }
    }

    /// <summary>Every item of the shared list of <paramref name="route"/>; a partial list (206) throws <see cref="PlatformUnavailableException"/>.</summary>
    /// <remarks>Asked after the last write or operation end in the route's product: a whole list is read for what any write may change.</remarks>
    public async Task<IReadOnlyList<T>> ListAllAsync<T>(string route, CancellationToken cancellationToken)
    {
        var notBefore = Later(_cache.NotBefore(ObservationCache.ProductKey(RequestRateLimits.ProductOf(route))), _cache.NotBefore(ObservationCache.AnyProduct));
        var listing = await ListAsync<T>(route, notBefore, cancellationToken).ConfigureAwait(false);
        return listing.Complete ? listing.Items : throw Partial(route);
    }

    /// <summary>The shared list of <paramref name="route"/>, asked at or after <paramref name="notBefore"/> and recent enough.</summary>
    public Task<Listing<T>> ListAsync<T>(string route, DateTimeOffset notBefore, CancellationToken cancellationToken) =>
        _cache.Of<T>(route, ct => FetchListAsync<T>(route, ct), () => _pipelines.Limits.Busy(route)).GetAsync(notBefore, cancellationToken);

    /// <summary>Sends a write once (a 429 excepted) and returns the accepted activity, without waiting for it.</summary>
    public async Task<PlatformOperation> WriteAsync(HttpMethod method, string path, object? body, WriteIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        string?[] touched = [intent.Name is null ? null : ObservationCache.NameKey(intent.Kind, intent.Name), ObservationCache.ProductKey(RequestRateLimits.ProductOf(path)), .. intent.Touches ?? []];
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(method, path, body, intent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever the answer, reads of what the write touched wait for a list asked after it.
            _cache.Touch([intent.ResourceId, .. touched]);
        }

        using var answered = response;
        var location = response.Headers.Location?.OriginalString;
        string? activityId = null;
        string? resourceId = null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(text) && text.TrimStart().StartsWith('{'))
        {
            using var json = JsonDocument.Parse(text);
            activityId = Property(json.RootElement, "activityId");
            resourceId = Property(json.RootElement, "resourceId");
        }

        if (location is not null && location.LastIndexOf('/') is var slash and >= 0 && slash < location.Length - 1)
        {
            activityId = location[(slash + 1)..];
        }

        return activityId is null
            ? throw new PlatformOutcomeUnknownException($"The platform accepted the {intent.Operation} without naming its activity")
            {
                Operation = intent.Operation,
                ResourceKind = intent.Kind,
                ResourceName = intent.Name,
                ResourceId = intent.ResourceId ?? resourceId,
                StatusCode = (int)response.StatusCode,
            }
            : Accepted(new PlatformOperation(activityId, resourceId ?? intent.ResourceId), touched);
    }

    // The operation's end touches what the write did: remembered until the activity is seen ending.
    private PlatformOperation Accepted(PlatformOperation operation, string?[] touched)
    {
        var now = Options.Clock.GetUtcNow();
        _cache.Touch([operation.ResourceId]);
        _inFlight[operation.ActivityId] = new(now, [operation.ResourceId, .. touched]);
        if (_inFlight.Count > InFlightPruneAbove)
        {
            // An activity nobody polls to its end (its object deleted meanwhile) is forgotten after a day.
            foreach (var stale in _inFlight.Where(w => now - w.Value.AcceptedAt > TimeSpan.FromDays(1)).Select(w => w.Key).ToList())
            {
                _inFlight.TryRemove(stale, out _);
            }
        }

        return operation;
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>A write this session sent whose activity has not been seen ending: when, and what it touched.</summary>
    private sealed record Written(DateTimeOffset AcceptedAt, string?[] Touched);

    /// <summary>Where an activity stands; 404s just after the write count as waiting, up to the tolerance.</summary>
    public async Task<ActivityState> GetActivityAsync(string activityId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityId);
        JsonElement activity;
        try
        {
            activity = await ListedActivityAsync(activityId, cancellationToken).ConfigureAwait(false)
                ?? await GetAsync<JsonElement>(ActivitiesRoute + Uri.EscapeDataString(activityId), cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException) when (_activityMisses.AddOrUpdate(activityId, 1, (_, n) => n + 1) <= Options.ActivityNotFoundTolerance)
        {
            return new ActivityWaiting();
        }

        _activityMisses.TryRemove(activityId, out _);
        var state = StateOf(activity);
        if (state.IsTerminal)
        {
            // Its resource changed: reads of it wait for a list asked after now. The activity's own
            // result and concerned items say which, also for an activity an earlier process started
            // (whose product is unknown: whole lists of every product wait).
            var touched = _inFlight.TryRemove(activityId, out var written) ? written.Touched : [ObservationCache.AnyProduct];
            _cache.Touch([.. touched, .. ConcernedIds(activity), state is ActivityCompleted completed ? completed.ResultId : null]);
        }

        return state;
    }

    // With many of this session's activities in flight, one shared list of activities answers all
    // their polls (asked after the write, and no older than the list interval); an activity the list
    // lacks, or a lone one, is read by its own route.
    private async Task<JsonElement?> ListedActivityAsync(string activityId, CancellationToken cancellationToken)
    {
        if (_inFlight.Count < Options.ActivityListAbove || !_inFlight.TryGetValue(activityId, out var written))
        {
            return null;
        }

        var notBefore = Later(written.AcceptedAt, Options.Clock.GetUtcNow() - Options.IdleListInterval);
        Listing<JsonElement> listing;
        try
        {
            listing = await ListAsync<JsonElement>(ActivitiesList, notBefore, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformException)
        {
            // The list is an economy, never a dependency: the activity's own route answers instead.
            return null;
        }

        foreach (var activity in listing.Items)
        {
            if (Property(activity, "id") == activityId)
            {
                return activity;
            }
        }

        return null;
    }

    private static IEnumerable<string?> ConcernedIds(JsonElement activity) =>
        activity.ValueKind == JsonValueKind.Object && activity.TryGetProperty("concernedItems", out var items) && items.ValueKind == JsonValueKind.Array
            ? [.. items.EnumerateArray().Select(item => Property(item, "id"))]
            : [];

    /// <summary>The state of an activity document (the one-key <c>state</c> object).</summary>
    public static ActivityState StateOf(JsonElement activity)
    {
        if (!activity.TryGetProperty("state", out var state) || state.ValueKind != JsonValueKind.Object)
        {
            return new ActivityWaiting();
        }

        foreach (var property in state.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "running":
                    // A number, not always whole (the official Terraform provider reads a float64): the whole percent reached.
                    var progress = value.TryGetProperty("progression", out var p) && p.ValueKind == JsonValueKind.Number ? (int)Math.Clamp(Math.Floor(p.GetDouble()), 0, 100) : 0;
                    return new ActivityRunning(progress, Property(value, "status"));
                case "completed":
                    return new ActivityCompleted(Property(value, "result"));
                case "failed":
                    var reason = Property(value, "reason") ?? "The platform gave no reason";
                    return new ActivityFailed(reason, ActivityFailed.IsTransientReason(reason));
                default:
                    break;
            }
        }

        return new ActivityWaiting();
    }

    public void Dispose()
    {
        _http.Dispose();
        _pipelines.Dispose();
        _tokens.Dispose();
    }

    private static string? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, object? body, WriteIntent? write, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var token = await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
        var pipeline = write is null ? _pipelines.Reads : _pipelines.Writes;
        for (var attempt = 1; ; attempt++)
        {
            var bearer = token;
            var response = await SendThroughAsync(pipeline, path, () => Request(method, path, body, bearer), write, cancellationToken, completion).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
            {
                // The request was refused before it was handled: after one re-authentication, it is safe to send again.
                response.Dispose();
                token = await _tokens.RefreshAsync(bearer, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                throw await ErrorOfAsync(method, path, response, write, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // One list, read as it streams in rather than buffered whole: 200 is whole, 206 partial.
    private async Task<(List<T> Items, bool Complete)> FetchListAsync<T>(string route, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(HttpMethod.Get, route, body: null, write: null, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException e)
        {
            // A collection that answers 404 says nothing about its items: never read as "they are all gone".
            throw new PlatformUnavailableException($"The platform answered 404 to the list GET /{route}", e) { StatusCode = 404 };
        }

        using var answered = response;
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        reading.CancelAfter(Options.AttemptTimeout);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(reading.Token).ConfigureAwait(false);
            var items = await JsonSerializer.DeserializeAsync<List<T>>(body, Json, reading.Token).ConfigureAwait(false)
                ?? throw new PlatformException($"The platform answered an empty body to GET /{route}");
            return (items, response.StatusCode != HttpStatusCode.PartialContent);
        }
        catch (JsonException e)
        {
            throw new PlatformException($"The platform answered GET /{route} with a body the driver cannot read", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new PlatformUnavailableException($"The platform's answer to GET /{route} broke off", e);
        }
    }

    private static PlatformUnavailableException Partial(string route) =>
        new($"The platform answered a partial list (HTTP 206) to GET /{route}: it does not prove that an item is absent") { StatusCode = 206 };

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return request;
    }

    /// <summary>One request through a pipeline; transport failures become the driver's errors.</summary>
    private async Task<HttpResponseMessage> SendThroughAsync(
        ResiliencePipeline<HttpResponseMessage> pipeline,
        string path,
        Func<HttpRequestMessage> request,
        WriteIntent? write,
        CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ResiliencePipelines.RouteKey, path);
        context.Properties.Set(ResiliencePipelines.PriorityKey, write is null ? RequestPriority.Read : write.Name is null ? RequestPriority.Change : RequestPriority.Create);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    using var message = state.request();
                    return await state.http.SendAsync(message, state.completion, context.CancellationToken).ConfigureAwait(false);
                },
                context,
                (request, http: _http, completion)).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw new PlatformUnavailableException("The platform is failing: its circuit is open, nothing was sent", e) { RetryAfter = e.RetryAfter };
        }
        catch (RateLimiterRejectedException e)
        {
            throw new PlatformUnavailableException("The client-side rate limit turned the request away, nothing was sent", e) { RetryAfter = e.RetryAfter };
        }
        catch (HttpRequestException e) when (write is null || e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new PlatformUnavailableException($"The platform could not be reached ({e.HttpRequestError})", e);
        }
        catch (HttpRequestException e)
        {
            throw OutcomeUnknown(write!, $"the connection failed after the request was sent ({e.HttpRequestError})", null, e);
        }
        catch (TimeoutRejectedException e) when (write is null)
        {
            throw new PlatformUnavailableException($"The platform did not answer within {e.Timeout}", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw OutcomeUnknown(write!, $"the platform did not answer within {e.Timeout}", null, e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static async Task<Exception> ErrorOfAsync(HttpMethod method, string path, HttpResponseMessage response, WriteIntent? write, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var (message, rule) = await ErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
        var what = write?.Operation ?? $"{method} /{path}";
        return response.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.Conflict =>
                new PlatformRefusedException(rule ?? "P", message ?? $"The platform refused the {what}", response.StatusCode == HttpStatusCode.Conflict),
            HttpStatusCode.Unauthorized => new PlatformAuthenticationException($"The platform refused a fresh access token for the {what}"),
            HttpStatusCode.Forbidden => new PlatformForbiddenException(message ?? $"The credentials may not {what}"),
            HttpStatusCode.NotFound => new PlatformNotFoundException(message ?? $"The platform does not know the resource of {what}"),
            HttpStatusCode.TooManyRequests => new PlatformUnavailableException($"The platform's rate limit refused the {what}; nothing was processed")
            {
                StatusCode = status,
                RetryAfter = RetryAfterOf(response),
            },
            _ when status >= 500 && write is not null => OutcomeUnknown(write, $"the platform answered HTTP {status}", status, null),
            _ when status >= 500 => new PlatformUnavailableException($"The platform answered HTTP {status} to {what}") { StatusCode = status, RetryAfter = RetryAfterOf(response) },
            _ => new PlatformException($"The platform answered HTTP {status} to {what}: {message}"),
        };
    }

    private static PlatformOutcomeUnknownException OutcomeUnknown(WriteIntent write, string why, int? status, Exception? inner)
    {
        var check = write.Name is not null
            ? $"look the {write.Kind} up by name '{write.Name}' before sending it again"
            : $"read {write.Kind} '{write.ResourceId}' again before sending it again";
        var message = $"The outcome of the {write.Operation} is unknown: {why}. It may have been applied: {check}";
        return inner is null
            ? new PlatformOutcomeUnknownException(message) { Operation = write.Operation, ResourceKind = write.Kind, ResourceName = write.Name, ResourceId = write.ResourceId, StatusCode = status }
            : new PlatformOutcomeUnknownException(message, inner) { Operation = write.Operation, ResourceKind = write.Kind, ResourceName = write.Name, ResourceId = write.ResourceId, StatusCode = status };
    }

    private static async Task<(string? Message, string? Rule)> ErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text) || !text.TrimStart().StartsWith('{'))
            {
                return (null, null);
            }

            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("error", out var error)
                ? (Property(error, "message"), Property(error, "rule"))
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}

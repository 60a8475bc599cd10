using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>One request the fake console received, with the status it answered.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, e.g. <c>/api/compute/v1/vcenters/hosts</c>.</param>
/// <param name="Query">The query string with its <c>?</c>, or empty.</param>
/// <param name="Body">The request body as text (empty when none).</param>
/// <param name="Authorization">The Authorization header, or null.</param>
/// <param name="Status">The status the fake answered.</param>
/// <param name="ArrivedAt">When it arrived, on the fake's own stopwatch.</param>
internal sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? Authorization, int Status, TimeSpan ArrivedAt)
{
    /// <summary>The bearer token of the request, or null.</summary>
    public string? Bearer => Authorization is { } a && a.StartsWith("Bearer ", StringComparison.Ordinal) ? a["Bearer ".Length..] : null;

    /// <summary>The body as JSON (the request must have one).</summary>
    public JsonElement Json => JsonElement.Parse(Body);
}

/// <summary>A scripted answer.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body, or null for none.</param>
/// <param name="ContentType">The body's content type.</param>
/// <param name="Headers">Further headers (Location, Retry-After…).</param>
internal sealed record Reply(int Status, string? Body = null, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>A JSON body (camelCase), 200 unless told.</summary>
    public static Reply Json(object value, int status = 200) => new(status, JsonSerializer.Serialize(value, Web));

    /// <summary>A status with no body.</summary>
    public static Reply Empty(int status) => new(status);

    /// <summary>The console's 429, with its documented body and a Retry-After in seconds.</summary>
    public static Reply TooManyRequests(int retryAfterSeconds) => new(
        429,
        """{"error":{"status":"429 Too Many Requests","message":"Too Many Requests"}}""",
        Headers: new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture) });

    /// <summary>A write accepted (201 unless told) with its activity in the Location header and no body.</summary>
    public static Reply Accepted(string activityId, int status = 201) => new(
        status,
        Headers: new Dictionary<string, string> { ["Location"] = $"/api/activity/v1/activities/{activityId}" });

    /// <summary>An activity whose one-key state is <c>waiting: {}</c>.</summary>
    public static Reply Waiting(string activityId) => Activity(activityId, new { waiting = new { } });

    /// <summary>An activity <c>running: {status, startDate, progression}</c>.</summary>
    public static Reply Running(string activityId, double progression, string status = "Running") =>
        Activity(activityId, new { running = new { status, startDate = Started, progression } });

    /// <summary>An activity <c>failed: {startDate, stopDate, reason}</c>.</summary>
    public static Reply Failed(string activityId, string reason) =>
        Activity(activityId, new { failed = new { startDate = Started, stopDate = Stopped, reason } });

    /// <summary>An activity <c>completed: {startDate, stopDate, result}</c>.</summary>
    public static Reply Completed(string activityId, string result) =>
        Activity(activityId, new { completed = new { startDate = Started, stopDate = Stopped, result } });

    private const string Started = "2026-03-01T08:00:00.000Z";
    private static readonly string[] Tags = ["contract"];
    private const string Stopped = "2026-03-01T08:01:30.000Z";

    private static Reply Activity(string id, object state) => Json(new
    {
        id,
        tenantId = FakeConsole.TenantId,
        description = "contract test activity",
        type = "ComputeActivity",
        tags = Tags,
        creationDate = Started,
        concernedItems = new[] { new { id = "item-1", type = "virtual_machine" } },
        state,
    });
}

/// <summary>
/// A scripted fake of the Cloud Temple console API: an in-process Kestrel server on a free loopback
/// port. The token exchange is served by default (the body of the answer is the raw JWT, as the
/// console does); every other route answers what the test scripted, in order, the last answer
/// repeating; an unscripted route answers 404. Routes under <c>/api</c> other than the token exchange
/// need a bearer token the fake issued and that has not expired on its clock, or answer 401.
/// Every request is recorded with its method, path, body, Authorization header and answer.
/// </summary>
internal sealed class FakeConsole : IAsyncDisposable
{
    public const string TokenRoute = "/api/iam/v2/auth/personal_access_token";
    public const string ActivitiesRoute = "/api/activity/v1/activities/";
    public const string PatId = "pat-contract-7d2e";
    public const string PatSecret = "contract-secret-Qx81-never-elsewhere";
    public const string TenantId = "0c7b1f7e-5a55-4a3c-9d0e-8f6a1b2c3d4e";
    public const string UserId = "3d8f0a52-7e1c-4b9a-a6d2-1f0e9c8b7a65";
    public const string CompanyId = "9a1b2c3d-4e5f-4061-8a7b-6c5d4e3f2a10";

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly Stopwatch _uptime = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, ScriptedRoute> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _arrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _issuedInOrder = new();
    private readonly List<ConsolePlatformConnections> _connections = [];
    private int _tokenSequence;

    private FakeConsole(TimeProvider clock)
    {
        _clock = clock;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The fake's address, with a trailing slash.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>How long the tokens the fake issues live (the console's are about 5 minutes).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>When set, the default token exchange waits for it before answering (to pile concurrent callers up).</summary>
    public TaskCompletionSource? TokenGate { get; set; }

    /// <summary>The credentials the fake accepts.</summary>
    public static PlatformCredentials Credentials { get; } = new(PatId, PatSecret);

    /// <summary>Short delays for tests: polls every 10–100 ms, retries after 10 ms (as PlatformHarness).</summary>
    public static PlatformOptions FastOptions => PlatformHarness.FastOptions;

    /// <summary>Every request, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests.OrderBy(r => r.ArrivedAt)];

    /// <summary>The token exchanges received.</summary>
    public IReadOnlyList<RecordedRequest> TokenExchanges => RequestsTo(HttpMethod.Post, TokenRoute);

    /// <summary>The tokens the fake issued, oldest first.</summary>
    public IReadOnlyList<string> IssuedTokens => [.. _issuedInOrder];

    public static async Task<FakeConsole> StartAsync(TimeProvider? clock = null)
    {
        var console = new FakeConsole(clock ?? TimeProvider.System);
        await console._app.StartAsync();
        var address = console._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        console.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        return console;
    }

    /// <summary>
    /// Scripts a route: <paramref name="pathAndQuery"/> with a query matches only that query; without
    /// one, it matches the path whatever the query.
    /// </summary>
    public ScriptedRoute On(HttpMethod method, string pathAndQuery) =>
        _routes.GetOrAdd($"{method.Method} {pathAndQuery}", _ => new ScriptedRoute());

    /// <summary>Scripts a GET.</summary>
    public ScriptedRoute OnGet(string pathAndQuery) => On(HttpMethod.Get, pathAndQuery);

    /// <summary>Scripts a POST.</summary>
    public ScriptedRoute OnPost(string pathAndQuery) => On(HttpMethod.Post, pathAndQuery);

    /// <summary>The requests of this method to exactly this path (any query).</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(HttpMethod method, string path) =>
        [.. Requests.Where(r => r.Method == method.Method && r.Path == path)];

    /// <summary>How many requests to this path have arrived, answered or not yet.</summary>
    public int ArrivalsAt(string path) => _arrivals.TryGetValue(path, out var n) ? n : 0;

    /// <summary>The driver of the console API connected to this fake with the fast options (adjusted by <paramref name="options"/>).</summary>
    public IPlatform Connect(Func<PlatformOptions, PlatformOptions>? options = null)
    {
        var connections = new ConsolePlatformConnections((options?.Invoke(FastOptions) ?? FastOptions) with { BaseUrl = Address });
        lock (_connections)
        {
            _connections.Add(connections);
        }

        return connections.Connect(Credentials);
    }

    /// <summary>Issues a real, unsigned JWT (<c>header.payload.</c>) that the fake accepts until its <c>exp</c>.</summary>
    public string IssueToken(TimeSpan? lifetime = null)
    {
        var now = _clock.GetUtcNow();
        var expires = now + (lifetime ?? TokenLifetime);
        var jwt = Jwt.Unsigned(new
        {
            exp = expires.ToUnixTimeSeconds(),
            iat = now.ToUnixTimeSeconds(),
            jti = Interlocked.Increment(ref _tokenSequence).ToString(CultureInfo.InvariantCulture),
            userId = UserId,
            companyId = CompanyId,
            scope = new { id = TenantId },
        });
        _issued[jwt] = expires;
        _issuedInOrder.Enqueue(jwt);
        return jwt;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_connections)
        {
            foreach (var connections in _connections)
            {
                connections.Dispose();
            }
        }

        TokenGate?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var arrived = _uptime.Elapsed;
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        _arrivals.AddOrUpdate(path, 1, (_, n) => n + 1);
        string body;
        using (var reader = new StreamReader(request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var query = request.QueryString.Value ?? string.Empty;
        var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;
        var reply = await AnswerAsync(request.Method, path, query, body, authorization);
        _requests.Enqueue(new RecordedRequest(request.Method, path, query, body, authorization, reply.Status, arrived));

        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (!string.IsNullOrEmpty(reply.Body))
        {
            context.Response.ContentType = reply.ContentType;
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
        }
    }

    private async Task<Reply> AnswerAsync(string method, string path, string query, string body, string? authorization)
    {
        var route = _routes.TryGetValue($"{method} {path}{query}", out var exact) ? exact
            : _routes.TryGetValue($"{method} {path}", out var any) ? any
            : null;
        if (path == TokenRoute && method == HttpMethods.Post)
        {
            return route is not null ? route.Next() : await ExchangeAsync(body);
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal) && !IsValid(authorization))
        {
            return Reply.Json(new { error = new { status = "401 Unauthorized", message = "Unauthorized" } }, 401);
        }

        return route?.Next() ?? Reply.Json(new { error = new { status = "404 Not Found", message = $"No route {method} {path}" } }, 404);
    }

    private async Task<Reply> ExchangeAsync(string body)
    {
        if (TokenGate is { } gate)
        {
            await gate.Task;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.TryGetProperty("id", out var id) && id.GetString() == PatId
                && root.TryGetProperty("secret", out var secret) && secret.GetString() == PatSecret)
            {
                return new Reply(200, IssueToken(), "text/plain");
            }
        }
        catch (JsonException)
        {
            // Not JSON: refused below.
        }

        return Reply.Json(new { error = new { status = "401 Unauthorized", message = "Invalid personal access token" } }, 401);
    }

    private bool IsValid(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
        && _issued.TryGetValue(authorization["Bearer ".Length..], out var expires)
        && _clock.GetUtcNow() < expires;
}

/// <summary>The scripted answers of one route: served in order, the last one repeating.</summary>
internal sealed class ScriptedRoute
{
    private readonly List<Reply> _replies = [];
    private int _hits;

    /// <summary>How many requests the route answered.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Appends answers.</summary>
    public ScriptedRoute Answers(params Reply[] replies)
    {
        lock (_replies)
        {
            _replies.AddRange(replies);
        }

        return this;
    }

    /// <summary>Appends the same answer <paramref name="times"/> times.</summary>
    public ScriptedRoute Answers(Reply reply, int times) => Answers([.. Enumerable.Repeat(reply, times)]);

    internal Reply Next()
    {
        lock (_replies)
        {
            var index = Math.Min(_hits++, _replies.Count - 1);
            return index < 0 ? Reply.Empty(404) : _replies[index];
        }
    }
}

/// <summary>Unsigned JWTs as the console's token exchange shapes them: <c>base64url(header).base64url(claims).</c></summary>
internal static class Jwt
{
    public static string Unsigned(object claims) =>
        $"{Part(new { alg = "none", typ = "JWT" })}.{Part(claims)}.";

    /// <summary>The claims of a JWT.</summary>
    public static JsonElement ClaimsOf(string jwt) =>
        JsonElement.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]));

    private static string Part(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}

/// <summary>Timing bounds of the contract tests.</summary>
internal static class Timing
{
    /// <summary>
    /// A Retry-After of one second, less the coarse resolution of the runtime's timers (a few
    /// milliseconds): the gap between two arrivals is measured on the fake's stopwatch.
    /// </summary>
    public static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(10);
}

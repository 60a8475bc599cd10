using System.Text.Json.Serialization;
using CloudTemple.Operator.Simulator.Model;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>
/// The simulator's HTTP service on Kestrel: the public API's shape (<see cref="PublicApi"/>), the
/// provisioning API of its own (<see cref="ProvisioningApi"/>), bearer authentication, fault
/// injection and the state file. Started by the command line, the tests and the benchmark.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly TokenIssuer _tokens;

    private SimulatorHost(WebApplication app, SimulatedPlatform platform, TokenIssuer tokens, Uri address)
    {
        _app = app;
        _tokens = tokens;
        Platform = platform;
        Address = address;
    }

    /// <summary>The platform served.</summary>
    public SimulatedPlatform Platform { get; }

    /// <summary>Where the service listens, e.g. http://127.0.0.1:8443/.</summary>
    public Uri Address { get; }

    /// <summary>Loads the state file (or else the seed inventory), then starts listening.</summary>
    public static async Task<SimulatorHost> StartAsync(ServiceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var platform = new SimulatedPlatform(options.Clock, options.Platform);
        var snapshot = options.StatePath is { } state ? StateFile.Load(state) : null;
        snapshot ??= options.InventoryPath is { } inventory ? InventoryFile.Read(inventory).Seed(options.Clock) : null;
        if (snapshot is not null)
        {
            platform.Import(snapshot);
        }

        var faults = new FaultInjector(options.Faults);
        platform.InjectOperationFaults(faults.NextOperation);
        var tokens = new TokenIssuer(options.Clock, options.TokenLifetime);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(options.Url);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton(platform);
        if (options.StatePath is { } path)
        {
            builder.Services.AddHostedService(services =>
                new StateFile(path, platform, options.SaveDelay, services.GetRequiredService<ILogger<StateFile>>()));
        }

        var app = builder.Build();
        var requests = new RequestCounts();
        app.Use((context, next) => requests.CountAsync(context, next));
        app.Use((context, next) => InjectFaultsAsync(faults, context, next));
        app.Use((context, next) => Api.HandleErrorsAsync(context, next));
        app.Use((context, next) => AuthenticateAsync(platform, tokens, context, next));
        PublicApi.Map(app, platform, tokens, faults);
        ProvisioningApi.Map(app, platform);
        app.MapGet("/healthz", () => "ok");

        // Inspection for the benchmark and the chaos soak, outside /api: no token, no faults, never
        // counted, so only with --debug-routes. The whole platform as the state file has it but for
        // the personal access tokens' secrets, and the API requests served so far.
        if (options.DebugRoutes)
        {
            app.MapGet("/debug/state", () => Results.Json(Redacted(platform.Export()), StateFile.Json));
            app.MapGet("/debug/requests", () => requests.Snapshot());
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorHost(app, platform, tokens, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>
    /// The token exchange in process, bypassing HTTP and its faults: for tests and benchmarks that
    /// inject faults into every request. Null when the personal access token is unknown.
    /// </summary>
    public string? IssueToken(string personalAccessTokenId, string secret) =>
        Platform.FindPersonalAccessToken(personalAccessTokenId, secret) is { } token
            ? _tokens.Issue(token, Platform.GetTenant(token.TenantId)!.OrganizationId)
            : null;

    /// <summary>What /debug/state shows: the snapshot without the secrets of the personal access tokens.</summary>
    public static PlatformSnapshot Redacted(PlatformSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot with { PersonalAccessTokens = [.. snapshot.PersonalAccessTokens.Select(t => t with { Secret = RedactedSecret })] };
    }

    /// <summary>What stands for a token's secret in /debug/state.</summary>
    public const string RedactedSecret = "(redacted)";

    /// <summary>Runs until the token is cancelled or the host is asked to stop (Ctrl-C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Every route under /api but the token exchange needs a valid, unexpired bearer token.</summary>
    private static Task AuthenticateAsync(SimulatedPlatform platform, TokenIssuer tokens, HttpContext context, Func<Task> next)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api") || path.Equals(PublicApi.TokenRoute, StringComparison.Ordinal))
        {
            return next();
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        var caller = header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? tokens.Validate(header[bearer.Length..].Trim()) : null;
        if (caller is null || platform.GetTenant(caller.TenantId) is null)
        {
            return Api.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, header.Length == 0 ? "Missing bearer token" : "Invalid or expired token");
        }

        Api.SetCaller(context, caller);
        return next();
    }

    /// <summary>
    /// Latency, 429 and 5xx (see <see cref="FaultInjector"/> for what each means for the state):
    /// a 429, or a 5xx on a read or on the token exchange, answers before the request is handled;
    /// a 5xx on any other write answers after the write was applied, its real answer discarded.
    /// </summary>
    private static async Task InjectFaultsAsync(FaultInjector faults, HttpContext context, Func<Task> next)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next().ConfigureAwait(false);
            return;
        }

        var fault = faults.NextRequest();
        if (fault.Latency > TimeSpan.Zero)
        {
            await Task.Delay(fault.Latency, context.RequestAborted).ConfigureAwait(false);
        }

        if (fault.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Api.WriteErrorAsync(context, fault.StatusCode, "Too Many Requests").ConfigureAwait(false);
            return;
        }

        if (fault.StatusCode == 0)
        {
            await next().ConfigureAwait(false);
            return;
        }

        var message = fault.StatusCode == StatusCodes.Status502BadGateway ? FaultInjector.TransientReasons[1] : FaultInjector.TransientReasons[0];
        var write = !HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.Equals(PublicApi.TokenRoute, StringComparison.Ordinal);
        if (write)
        {
            var original = context.Response.Body;
            using var discarded = new MemoryStream();
            context.Response.Body = discarded;
            try
            {
                await next().ConfigureAwait(false);
            }
            finally
            {
                context.Response.Body = original;
            }

            context.Response.Clear();
        }

        await Api.WriteErrorAsync(context, fault.StatusCode, message).ConfigureAwait(false);
    }
}

/// <summary>The API requests (under /api) served, by method and by route, for the benchmark's reads-per-object figure.</summary>
internal sealed class RequestCounts
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _routes = new();
    private long _reads;
    private long _writes;

    public Task CountAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            Interlocked.Increment(ref HttpMethods.IsGet(context.Request.Method) ? ref _reads : ref _writes);
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            _routes.AddOrUpdate($"{context.Request.Method} {route}", 1, (_, n) => n + 1);
        }

        return next();
    }

    public object Snapshot() => new
    {
        reads = Interlocked.Read(ref _reads),
        writes = Interlocked.Read(ref _writes),
        routes = new SortedDictionary<string, long>(_routes, StringComparer.Ordinal),
    };
}

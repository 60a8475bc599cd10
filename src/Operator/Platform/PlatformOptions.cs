namespace CloudTemple.Operator.Platform;

/// <summary>How the drivers talk to the platform: address, token refresh, polling, resilience.</summary>
public sealed record PlatformOptions
{
    /// <summary>The platform's address when the credentials name none.</summary>
    public Uri BaseUrl { get; init; } = new("http://127.0.0.1:8443/");

    /// <summary>How long before its expiry a token is refreshed (the API says 30–60 s).</summary>
    public TimeSpan TokenRefreshMargin { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>The first delay between polls of an activity.</summary>
    public TimeSpan PollInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between polls of an activity.</summary>
    public TimeSpan PollMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many 404s an activity may answer, just after its write, before it counts as unknown.</summary>
    public int ActivityNotFoundTolerance { get; init; } = 5;

    /// <summary>How many polls in a row may fail transiently while waiting before the wait gives up.</summary>
    public int MaxConsecutivePollFailures { get; init; } = 8;

    /// <summary>Attempts of a read (GET) in all, the first included.</summary>
    public int MaxReadAttempts { get; init; } = 4;

    /// <summary>Attempts of a write answered 429 (not processed, so safe to send again), the first included.</summary>
    public int MaxWriteAttemptsOn429 { get; init; } = 3;

    /// <summary>The base delay of the exponential backoff with jitter between attempts.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between attempts (a longer Retry-After is capped to it).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The timeout of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The client-side rate limit per product (iam, compute, backup…), requests per second per session (the platform allows 25).</summary>
    public int RequestsPerSecond { get; init; } = 25;

    /// <summary>The client-side rate limit of the token exchange, requests per second (the platform allows 5).</summary>
    public int AuthenticationRequestsPerSecond { get; init; } = 5;

    /// <summary>The client-side rate limit of the datastore routes, requests per second (the platform allows 20).</summary>
    public int DatastoreRequestsPerSecond { get; init; } = 20;

    /// <summary>
    /// How old a shared list may be and still answer a read (a resync then costs a few lists per
    /// collection and period, whatever the number of objects). A write or an operation's end makes
    /// the resource it touched wait for a newer list anyway.
    /// </summary>
    public TimeSpan ListFreshness { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// From how many of a session's activities in flight one shared list of activities answers their
    /// polls (a burst); below it, each activity is polled by its own route.
    /// </summary>
    public int ActivityListAbove { get; init; } = 4;

    /// <summary>
    /// The least time between two lists of one collection while its product's budget has requests
    /// waiting (a list then takes a write's turn): the readers in between share the next one.
    /// </summary>
    public TimeSpan ListInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The least time between two lists of one collection while its product's budget has room.</summary>
    public TimeSpan IdleListInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The fraction of failed attempts in <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>The attempts needed in <see cref="BreakerSamplingDuration"/> before the circuit can open.</summary>
    public int BreakerMinimumThroughput { get; init; } = 10;

    /// <summary>The window the circuit breaker samples.</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open.</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The clock of token expiry and activity polling.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Makes the HTTP handler of a session (tests wrap or count requests); null for the default.</summary>
    public Func<HttpMessageHandler>? HandlerFactory { get; init; }
}

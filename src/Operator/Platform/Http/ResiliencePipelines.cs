using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace CloudTemple.Operator.Platform.Http;

/// <summary>
/// The resilience of one session (Polly 8). Both pipelines end in the same transport pipeline: one
/// circuit breaker, the client-side rate limits of the request's route (<see cref="RequestRateLimits"/>;
/// the route travels in the context under <see cref="RouteKey"/>), and a timeout per attempt. Reads
/// retry 429, 5xx and timeouts with exponential backoff and jitter, honouring Retry-After, a bounded
/// number of times. Writes retry only what the platform provably did not process: a 429 and a
/// request the local rate limiter turned away; a 5xx or a timeout on a write is never retried.
/// </summary>
internal sealed class ResiliencePipelines : IDisposable
{
    /// <summary>The request's path, relative to the base address, in the resilience context.</summary>
    public static readonly ResiliencePropertyKey<string> RouteKey = new("cloudtemple.route");

    /// <summary>The request's turn on its product's budget, in the resilience context under this key.</summary>
    public static readonly ResiliencePropertyKey<RequestPriority> PriorityKey = new("cloudtemple.priority");

    private readonly RequestRateLimits _limits;

    /// <summary>The client-side rate limits the pipelines apply.</summary>
    public RequestRateLimits Limits => _limits;

    public ResiliencePipelines(PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = new RequestRateLimits(options);

        var transport = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is HttpRequestException or TimeoutRejectedException
                    || (args.Outcome.Result is { } r && (int)r.StatusCode >= 500)),
            })
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => _limits.AcquireAsync(
                    args.Context.Properties.GetValue(RouteKey, string.Empty),
                    args.Context.Properties.GetValue(PriorityKey, RequestPriority.Read),
                    args.Context.CancellationToken),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();

        Reads = WithRetry(transport, options.MaxReadAttempts, options, IsTransientRead);
        Writes = WithRetry(transport, options.MaxWriteAttemptsOn429, options, IsNotProcessed);
    }

    /// <summary>For GETs (and the token exchange, which changes nothing).</summary>
    public ResiliencePipeline<HttpResponseMessage> Reads { get; }

    /// <summary>For POST, PUT and DELETE.</summary>
    public ResiliencePipeline<HttpResponseMessage> Writes { get; }

    public void Dispose() => _limits.Dispose();

    /// <summary>A transient outcome of a read: 429, 5xx, a transport error, a timeout, the local rate limit.</summary>
    internal static bool IsTransientRead(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException or RateLimiterRejectedException
        || (outcome.Result is { } r && (r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500));

    /// <summary>An outcome that proves a write was not processed: 429, or the local rate limiter's refusal.</summary>
    internal static bool IsNotProcessed(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is RateLimiterRejectedException
        || outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests };

    /// <summary>The delay a 429 or 503 asks for (Retry-After), capped; null to use the backoff.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan cap)
    {
        var delay = PlatformSession.RetryAfterOf(response);
        return delay is null ? null : delay.Value > cap ? cap : delay.Value < TimeSpan.Zero ? TimeSpan.Zero : delay.Value;
    }

    private static ResiliencePipeline<HttpResponseMessage> WithRetry(
        ResiliencePipeline<HttpResponseMessage> transport, int attempts, PlatformOptions options, Func<Outcome<HttpResponseMessage>, bool> retry)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (attempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(retry(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options.RetryMaxDelay)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        return builder.AddPipeline(transport).Build();
    }
}

using System.Net;
using System.Threading.RateLimiting;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>
/// The resilience of one session (Polly 8). Both pipelines end in the same transport pipeline: one
/// circuit breaker, one client-side rate limit (token bucket), and a timeout per attempt. Reads
/// retry 429, 5xx and timeouts with exponential backoff and jitter, honouring Retry-After, a bounded
/// number of times. Writes retry only what the platform provably did not process: a 429 and a
/// request the local rate limiter turned away; a 5xx or a timeout on a write is never retried.
/// </summary>
internal sealed class ResiliencePipelines : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter;

    public ResiliencePipelines(PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.RequestsPerSecond,
            TokensPerPeriod = options.RequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });

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
            .AddRateLimiter(_limiter)
            .AddTimeout(options.AttemptTimeout)
            .Build();

        Reads = WithRetry(transport, options.MaxReadAttempts, options, IsTransientRead);
        Writes = WithRetry(transport, options.MaxWriteAttemptsOn429, options, IsNotProcessed);
    }

    /// <summary>For GETs (and the token exchange, which changes nothing).</summary>
    public ResiliencePipeline<HttpResponseMessage> Reads { get; }

    /// <summary>For POST, PUT and DELETE.</summary>
    public ResiliencePipeline<HttpResponseMessage> Writes { get; }

    public void Dispose() => _limiter.Dispose();

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

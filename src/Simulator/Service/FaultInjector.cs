using System.Collections.Concurrent;
using CloudTemple.Operator.Simulator.Model;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>
/// The faults of <see cref="FaultOptions"/>, drawn from one <see cref="Random"/> seeded with the
/// configured seed: for a given sequence of requests, the same faults every run.
/// </summary>
/// <remarks>
/// Faults never corrupt the platform's state. A 429 never lets the request through: it did not
/// happen. A 5xx on a read (GET) or on the token exchange is answered before the request is handled:
/// it did not happen either. A 5xx on any other write is answered after the write was applied: the
/// write happened (its resource and activity are visible, e.g. in the lists and in
/// <c>/api/simulator/v1/resources/{id}/operations</c>) and only the answer is lost, which is what
/// makes a blind retry double-create on the real platform. Writes are not idempotent.
/// </remarks>
public sealed class FaultInjector
{
    /// <summary>Failure reasons the real platform is known to give for transient errors.</summary>
    public static readonly IReadOnlyList<string> TransientReasons =
    [
        "None of the workers were able to respond",
        "Failed to load configuration via API",
    ];

    private static readonly int[] ServerErrorCodes = [500, 502, 503];
    private readonly FaultOptions _options;
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, int> _polls = new();
    private readonly long _started = System.Diagnostics.Stopwatch.GetTimestamp();

    public FaultInjector(FaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _random = new Random(options.Seed);
    }

    /// <summary>What happens to one request.</summary>
    /// <param name="Latency">Extra delay before it is handled.</param>
    /// <param name="StatusCode">0: handled normally; 429 or 5xx: answered so.</param>
    public readonly record struct RequestFault(TimeSpan Latency, int StatusCode);

    /// <summary>Draws the fault of one request.</summary>
    public RequestFault NextRequest()
    {
        lock (_lock)
        {
            var latency = _options.MaxLatency > TimeSpan.Zero ? _options.MaxLatency * _random.NextDouble() : TimeSpan.Zero;
            var draw = _random.NextDouble();
            var status = InBurst() || draw < _options.TooManyRequests ? 429
                : draw < _options.TooManyRequests + _options.ServerErrors ? ServerErrorCodes[_random.Next(ServerErrorCodes.Length)]
                : 0;
            return new RequestFault(latency, status);
        }
    }

    // Whether now is inside a burst of 429: the first TooManyRequestsBurst of each TooManyRequestsBurstEvery, counted from start.
    private bool InBurst()
    {
        if (_options.TooManyRequestsBurst <= TimeSpan.Zero || _options.TooManyRequestsBurstEvery <= TimeSpan.Zero)
        {
            return false;
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(_started);
        return elapsed.Ticks % _options.TooManyRequestsBurstEvery.Ticks < _options.TooManyRequestsBurst.Ticks;
    }

    /// <summary>The fault of one accepted operation, or null.</summary>
    public OperationFault? NextOperation(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        lock (_lock)
        {
            if (_options.TransientFailures <= 0 && _options.StuckOperations <= 0)
            {
                return null;
            }

            var fails = _random.NextDouble() < _options.TransientFailures;
            var reason = fails ? TransientReasons[_random.Next(TransientReasons.Count)] : null;
            var stuck = _random.NextDouble() < _options.StuckOperations ? _options.StuckFor : TimeSpan.Zero;
            return reason is null && stuck == TimeSpan.Zero ? null : new OperationFault(reason, stuck);
        }
    }

    /// <summary>Whether this poll of an activity answers 404 (its first <see cref="FaultOptions.ActivityNotFoundPolls"/> polls do).</summary>
    public bool HideActivity(string activityId) =>
        _options.ActivityNotFoundPolls > 0 && _polls.AddOrUpdate(activityId, 1, (_, n) => n + 1) <= _options.ActivityNotFoundPolls;

    /// <summary>Whether an activity is still hidden, without counting a poll (the activity list leaves it out).</summary>
    public bool IsHidden(string activityId) =>
        _options.ActivityNotFoundPolls > 0 && _polls.GetValueOrDefault(activityId) < _options.ActivityNotFoundPolls;

    /// <summary>The Retry-After of a 429, in seconds.</summary>
    public int RetryAfterSeconds => _options.RetryAfterSeconds;
}

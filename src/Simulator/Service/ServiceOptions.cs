using CloudTemple.Operator.Simulator.Model;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>Faults the service injects, drawn from one <see cref="Random"/> seeded with <see cref="Seed"/> so runs repeat.</summary>
public sealed record FaultOptions
{
    /// <summary>No fault at all.</summary>
    public static FaultOptions None { get; } = new();

    /// <summary>The seed of the fault generator.</summary>
    public int Seed { get; init; }

    /// <summary>Fraction of requests answered 429 Too Many Requests, with Retry-After.</summary>
    public double TooManyRequests { get; init; }

    /// <summary>The Retry-After of a 429, in whole seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>
    /// Bursts of 429: every <see cref="TooManyRequestsBurstEvery"/>, for <see cref="TooManyRequestsBurst"/>,
    /// every request is answered 429 with Retry-After (zero: no bursts).
    /// </summary>
    public TimeSpan TooManyRequestsBurst { get; init; }

    /// <summary>How often a burst of 429 starts.</summary>
    public TimeSpan TooManyRequestsBurstEvery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Fraction of requests answered 500, 502 or 503.</summary>
    public double ServerErrors { get; init; }

    /// <summary>Extra latency of each request: uniform between zero and this.</summary>
    public TimeSpan MaxLatency { get; init; }

    /// <summary>Fraction of accepted operations that fail at their end with a known transient reason.</summary>
    public double TransientFailures { get; init; }

    /// <summary>Fraction of accepted operations that stay waiting <see cref="StuckFor"/> longer, then run.</summary>
    public double StuckOperations { get; init; }

    /// <summary>How long a stuck operation stays waiting beyond the usual.</summary>
    public TimeSpan StuckFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first polls of each activity answer 404, as the real API does just after a write.</summary>
    public int ActivityNotFoundPolls { get; init; }
}

/// <summary>Everything the service is started with.</summary>
public sealed record ServiceOptions
{
    /// <summary>Where Kestrel listens: loopback, e.g. http://127.0.0.1:8443 (port 0 picks a free one).</summary>
    public string Url { get; init; } = "http://127.0.0.1:8443";

    /// <summary>The JSON file the whole platform is kept in across restarts; null keeps it in memory only.</summary>
    public string? StatePath { get; init; }

    /// <summary>The seed inventory (YAML), loaded at start when there is no state file yet.</summary>
    public string? InventoryPath { get; init; }

    /// <summary>Operation durations.</summary>
    public SimulatorOptions Platform { get; init; } = new();

    /// <summary>Faults.</summary>
    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary>How long an access token (JWT) lives.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long after a change the state file is written, at most.</summary>
    public TimeSpan SaveDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Whether /debug/state and /debug/requests are served (unauthenticated, for the benchmark and the
    /// chaos soak); off by default, and token secrets are redacted from /debug/state even when on.
    /// </summary>
    public bool DebugRoutes { get; init; }

    /// <summary>The clock; the system's unless a test gives one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

using System.CommandLine;
using System.Globalization;
using CloudTemple.Operator.Simulator.Model;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>`cloudtemple-simulator`: the simulated platform as a service on loopback. Every flag has an environment variable.</summary>
public static class SimulatorCommand
{
    /// <summary>The operation kinds whose duration <c>--duration KIND=DURATION</c> sets.</summary>
    public static readonly IReadOnlyList<string> DurationKinds =
        ["all", "waiting", "cpool", "hypervisor", "volume", "globalmirror", "vlan", "backuprequest", "backupassignment", "vmreplication", "hsm", "encryption", "inventoryjob", "delete"];

    public static RootCommand Create()
    {
        var urls = Option("--urls", "CLOUDTEMPLE_SIMULATOR_URLS", "http://127.0.0.1:8443", "Where to listen: a loopback URL (port 0 picks a free port).");
        var state = Option("--state", "CLOUDTEMPLE_SIMULATOR_STATE", string.Empty, "JSON file keeping the whole platform across restarts (written after each change, loaded at start); empty keeps it in memory.");
        var inventory = Option("--inventory", "CLOUDTEMPLE_SIMULATOR_INVENTORY", string.Empty, "Seed inventory YAML, loaded at start when there is no state file yet (e.g. config/sandbox/inventory.yaml).");
        var durations = new Option<string[]>("--duration")
        {
            Description = $"Operation duration per kind, KIND=DURATION, repeatable or comma-separated (kinds: {string.Join(", ", DurationKinds)}; e.g. cpool=2s, all=0) [env: CLOUDTEMPLE_SIMULATOR_DURATIONS]",
            DefaultValueFactory = _ => (Environment.GetEnvironmentVariable("CLOUDTEMPLE_SIMULATOR_DURATIONS") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var tokenLifetime = Option("--token-lifetime", "CLOUDTEMPLE_SIMULATOR_TOKEN_LIFETIME", "5m", "Lifetime of the access tokens (JWT) of the token exchange.");
        var seed = Option("--seed", "CLOUDTEMPLE_SIMULATOR_SEED", "0", "Seed of the fault generator: the same seed and requests give the same faults.");
        var tooMany = Option("--fault-429", "CLOUDTEMPLE_SIMULATOR_FAULT_429", "0", "Fraction (0–1) of requests answered 429 Too Many Requests with Retry-After.");
        var retryAfter = Option("--retry-after", "CLOUDTEMPLE_SIMULATOR_RETRY_AFTER", "1", "Retry-After of a 429, in seconds.");
        var burst = Option("--fault-429-burst", "CLOUDTEMPLE_SIMULATOR_FAULT_429_BURST", "0", "Bursts of 429: every request answered 429 for this long (e.g. 3s) once per --fault-429-burst-every.");
        var burstEvery = Option("--fault-429-burst-every", "CLOUDTEMPLE_SIMULATOR_FAULT_429_BURST_EVERY", "30s", "How often a burst of 429 starts.");
        var serverErrors = Option("--fault-5xx", "CLOUDTEMPLE_SIMULATOR_FAULT_5XX", "0", "Fraction (0–1) of requests answered 500, 502 or 503 (on a write: after the write was applied).");
        var latency = Option("--fault-latency", "CLOUDTEMPLE_SIMULATOR_FAULT_LATENCY", "0", "Largest extra latency per request (uniform from zero), e.g. 200ms.");
        var transient = Option("--fault-transient", "CLOUDTEMPLE_SIMULATOR_FAULT_TRANSIENT", "0", "Fraction (0–1) of operations that fail with a known transient reason.");
        var stuck = Option("--fault-stuck", "CLOUDTEMPLE_SIMULATOR_FAULT_STUCK", "0", "Fraction (0–1) of operations that stay waiting longer (see --fault-stuck-for).");
        var stuckFor = Option("--fault-stuck-for", "CLOUDTEMPLE_SIMULATOR_FAULT_STUCK_FOR", "30s", "How long a stuck operation stays waiting beyond the usual before it runs.");
        var activity404 = Option("--fault-activity-404", "CLOUDTEMPLE_SIMULATOR_FAULT_ACTIVITY_404", "0", "The first N polls of each activity answer 404.");
        var debugRoutes = new Option<bool>("--debug-routes")
        {
            Description = "Serve /debug/state (the whole platform, token secrets redacted) and /debug/requests without authentication, for the benchmark and the chaos soak; off by default. [env: CLOUDTEMPLE_SIMULATOR_DEBUG_ROUTES]",
            DefaultValueFactory = _ => string.Equals(Environment.GetEnvironmentVariable("CLOUDTEMPLE_SIMULATOR_DEBUG_ROUTES"), "true", StringComparison.OrdinalIgnoreCase),
        };

        var root = new RootCommand("The simulated Cloud Temple platform, served on loopback: the public API's shape and a provisioning API of its own.")
        {
            urls, state, inventory, durations, tokenLifetime, seed, tooMany, burst, burstEvery, retryAfter, serverErrors, latency, transient, stuck, stuckFor, activity404,
            debugRoutes,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServiceOptions
            {
                Url = parse.GetValue(urls)!,
                StatePath = NullIfEmpty(parse.GetValue(state)),
                InventoryPath = NullIfEmpty(parse.GetValue(inventory)),
                Platform = ParseDurations(new SimulatorOptions(), parse.GetValue(durations) ?? []),
                TokenLifetime = Duration(parse.GetValue(tokenLifetime)!),
                DebugRoutes = parse.GetValue(debugRoutes),
                Faults = new FaultOptions
                {
                    Seed = int.Parse(parse.GetValue(seed)!, CultureInfo.InvariantCulture),
                    TooManyRequests = Fraction(parse.GetValue(tooMany)!),
                    TooManyRequestsBurst = Duration(parse.GetValue(burst)!),
                    TooManyRequestsBurstEvery = Duration(parse.GetValue(burstEvery)!),
                    RetryAfterSeconds = int.Parse(parse.GetValue(retryAfter)!, CultureInfo.InvariantCulture),
                    ServerErrors = Fraction(parse.GetValue(serverErrors)!),
                    MaxLatency = Duration(parse.GetValue(latency)!),
                    TransientFailures = Fraction(parse.GetValue(transient)!),
                    StuckOperations = Fraction(parse.GetValue(stuck)!),
                    StuckFor = Duration(parse.GetValue(stuckFor)!),
                    ActivityNotFoundPolls = int.Parse(parse.GetValue(activity404)!, CultureInfo.InvariantCulture),
                },
            };
            await using var host = await SimulatorHost.StartAsync(options, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"cloudtemple-simulator listening on {host.Address}").ConfigureAwait(false);
            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return root;
    }

    /// <summary>Applies KIND=DURATION settings to the options; "all" sets every kind.</summary>
    public static SimulatorOptions ParseDurations(SimulatorOptions options, IEnumerable<string> settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var setting in settings.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var parts = setting.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2)
            {
                throw new ArgumentException($"--duration takes KIND=DURATION, not '{setting}'");
            }

            var d = Duration(parts[1]);
            options = parts[0].ToLowerInvariant() switch
            {
                "all" => options with
                {
                    Waiting = d, Cpool = d, HypervisorUpdatePerHost = d, BlockVolume = d, GlobalMirror = d, Vlan = d, BackupServiceRequest = d,
                    BackupAssignment = d, VmReplication = d, HsmKeyProvider = d, Encryption = d, InventoryJob = d, Delete = d,
                },
                "waiting" => options with { Waiting = d },
                "cpool" => options with { Cpool = d },
                "hypervisor" => options with { HypervisorUpdatePerHost = d },
                "volume" => options with { BlockVolume = d },
                "globalmirror" => options with { GlobalMirror = d },
                "vlan" => options with { Vlan = d },
                "backuprequest" => options with { BackupServiceRequest = d },
                "backupassignment" => options with { BackupAssignment = d },
                "vmreplication" => options with { VmReplication = d },
                "hsm" => options with { HsmKeyProvider = d },
                "encryption" => options with { Encryption = d },
                "inventoryjob" => options with { InventoryJob = d },
                "delete" => options with { Delete = d },
                _ => throw new ArgumentException($"Unknown operation kind '{parts[0]}'; kinds: {string.Join(", ", DurationKinds)}"),
            };
        }

        return options;
    }

    /// <summary>Parses "0", "250ms", "2s", "5m", "1h".</summary>
    public static TimeSpan Duration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        (string Suffix, Func<double, TimeSpan> Make)[] units =
            [("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours)];
        foreach (var (suffix, make) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return make(value);
            }
        }

        return t == "0" ? TimeSpan.Zero : throw new ArgumentException($"'{text}' is not a duration such as 0, 250ms, 2s, 5m or 1h");
    }

    private static double Fraction(string text)
    {
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return value is >= 0 and <= 1 ? value : throw new ArgumentException($"A fraction is between 0 and 1, not {text}");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Option<string> Option(string name, string environmentVariable, string fallback, string description) => new(name)
    {
        Description = $"{description} [env: {environmentVariable}]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } value ? value : fallback,
    };
}

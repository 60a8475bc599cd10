using System.Collections.Concurrent;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.Simulated;
using CloudTemple.Operator.Simulator.Service;
using SimulatedPlatform = CloudTemple.Operator.Simulator.Model.SimulatedPlatform;
using SimulatorOptions = CloudTemple.Operator.Simulator.Model.SimulatorOptions;

namespace CloudTemple.Operator.Tests.Platform;

/// <summary>
/// The real simulator service on a free loopback port, seeded with config/sandbox/inventory.yaml,
/// and the drivers connected to it with short delays; every request the drivers send is recorded.
/// </summary>
internal sealed class PlatformHarness : IAsyncDisposable
{
    public const string AcmeTenant = "3f8a6c2e-1d4b-4e7a-9c0f-5b6a7d8e9f01";
    public const string AcmeStagingTenant = "7c1e2d34-4b5a-4c6d-8e9f-0a1b2c3d4e5f";
    public const string AcmePat = "pat-acme-prod";
    public const string AcmeSecret = "sandbox-acme-prod-secret";

    private PlatformHarness(SimulatorHost host, PlatformOptions options)
    {
        Host = host;
        Options = options with { BaseUrl = host.Address, HandlerFactory = () => new RecordingHandler(Requests) };
        Connections = new SimulatedPlatformConnections(Options);
        Credentials = new PlatformCredentials(AcmePat, AcmeSecret);
    }

    public SimulatorHost Host { get; }

    public SimulatedPlatform Simulated => Host.Platform;

    public PlatformOptions Options { get; }

    public SimulatedPlatformConnections Connections { get; }

    public PlatformCredentials Credentials { get; }

    /// <summary>Every request sent by the drivers and its answer, in order.</summary>
    public ConcurrentQueue<(HttpMethod Method, string Path, int Status)> Requests { get; } = new();

    public IPlatform Platform => Connections.Connect(Credentials);

    /// <summary>Short delays for tests: polls every 10–100 ms, retries after 10 ms.</summary>
    public static PlatformOptions FastOptions { get; } = new()
    {
        PollInitialDelay = TimeSpan.FromMilliseconds(10),
        PollMaxDelay = TimeSpan.FromMilliseconds(100),
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromSeconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(10),
    };

    public static async Task<PlatformHarness> StartAsync(
        Func<ServiceOptions, ServiceOptions>? service = null, Func<PlatformOptions, PlatformOptions>? client = null)
    {
        var options = new ServiceOptions
        {
            Url = "http://127.0.0.1:0",
            InventoryPath = RepositoryPaths.Combine("config", "sandbox", "inventory.yaml"),
            Platform = SimulatorOptions.Immediate,
        };
        var host = await SimulatorHost.StartAsync(service?.Invoke(options) ?? options);
        return new PlatformHarness(host, client?.Invoke(FastOptions) ?? FastOptions);
    }

    /// <summary>The requests whose path starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<(HttpMethod Method, string Path, int Status)> RequestsTo(string prefix) =>
        [.. Requests.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>Waits for an activity with a deadline.</summary>
    public async Task<ActivityCompleted> WaitAsync(PlatformOperation operation, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
        return await Platform.Activities.WaitAsync(operation.ActivityId, deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Connections.Dispose();
        await Host.DisposeAsync();
    }

    private sealed class RecordingHandler(ConcurrentQueue<(HttpMethod, string, int)> requests) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            requests.Enqueue((request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode));
            return response;
        }
    }
}

/// <summary>
/// Seeds of the simulator's fault generator that give a wanted sequence of answers. The generator
/// draws, per request, one double (and for a 5xx one more integer) from <c>new Random(seed)</c>
/// (FaultInjector), so the sequence of a seed can be computed here without a server.
/// </summary>
internal static class FaultSeeds
{
    /// <summary>Answer kinds: 'o' handled, 't' 429, 's' 5xx.</summary>
    public static int Find(double tooManyRequests, double serverErrors, string pattern)
    {
        for (var seed = 0; seed < 1_000_000; seed++)
        {
            var random = new Random(seed);
            var matches = true;
            foreach (var wanted in pattern)
            {
                var draw = random.NextDouble();
                var kind = draw < tooManyRequests ? 't' : draw < tooManyRequests + serverErrors ? 's' : 'o';
                if (kind == 's')
                {
                    random.Next(3);
                }

                if (kind != wanted)
                {
                    matches = false;
                    break;
                }
            }

            if (matches)
            {
                return seed;
            }
        }

        throw new InvalidOperationException($"No seed gives {pattern}.");
    }
}

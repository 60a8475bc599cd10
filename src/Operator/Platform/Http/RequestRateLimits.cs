using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace CloudTemple.Operator.Platform.Http;

/// <summary>
/// The console API's rate limits, kept on the client side so that the platform never has to refuse
/// (cloud-temple-api.md): per product (the module after <c>api/</c>: iam, compute, backup, activity…),
/// tighter on authentication, and tighter again on datastores, which also count for compute.
/// A request waits for its turn rather than being turned away: on a product's budget, reads first
/// (they finish work already in flight), then changes, then creates; oldest first within each.
/// </summary>
internal sealed class RequestRateLimits : IDisposable
{
    private const string DatastoresSegment = "/datastores";
    private readonly ConcurrentDictionary<string, PriorityTokenBucket> _products = new(StringComparer.Ordinal);
    private readonly PartitionedRateLimiter<string> _narrow;
    private readonly PlatformOptions _options;

    public RequestRateLimits(PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _narrow = PartitionedRateLimiter.Create<string, string>(path =>
            IsAuthentication(path) ? Bucket("authentication", options.AuthenticationRequestsPerSecond)
            : IsDatastores(path) ? Bucket("datastores", options.DatastoreRequestsPerSecond)
            : RateLimitPartition.GetNoLimiter("unlimited"));
    }

    /// <summary>Waits for the turn of a request to <paramref name="path"/> (relative to the base address): its product's budget, then its route's.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(string path, RequestPriority priority, CancellationToken cancellationToken)
    {
        var product = _products.GetOrAdd(ProductOf(path), _ => new PriorityTokenBucket(_options.RequestsPerSecond, _options.Clock));
        await product.AcquireAsync(priority, cancellationToken).ConfigureAwait(false);
        return await _narrow.AcquireAsync(path, 1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether requests wait for the budget of <paramref name="path"/>'s product.</summary>
    public bool Busy(string path) => _products.TryGetValue(ProductOf(path), out var product) && product.Waiting > 0;

    /// <summary>The product of a route: the module after <c>api/</c>, e.g. "compute" for <c>api/compute/v1/vcenters/hosts</c>.</summary>
    internal static string ProductOf(string path)
    {
        var segments = path.TrimStart('/').Split('/', 3);
        return segments.Length >= 2 && segments[0] == "api" ? segments[1] : segments[0];
    }

    internal static bool IsAuthentication(string path) => path.TrimStart('/').StartsWith(TokenCache.Route, StringComparison.Ordinal);

    internal static bool IsDatastores(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return (query < 0 ? path : path[..query]).Contains(DatastoresSegment, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var product in _products.Values)
        {
            product.Dispose();
        }

        _narrow.Dispose();
    }

    private static RateLimitPartition<string> Bucket(string key, int perSecond) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 10_000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
}

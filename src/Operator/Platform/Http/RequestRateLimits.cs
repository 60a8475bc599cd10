using System.Threading.RateLimiting;

namespace CloudTemple.Operator.Platform.Http;

/// <summary>
/// The console API's rate limits, kept on the client side so that the platform never has to refuse
/// (cloud-temple-api.md): per product (the module after <c>api/</c>: iam, compute, backup, activity…),
/// tighter on authentication, and tighter again on datastores, which also count for compute.
/// A request waits for its turn (oldest first) rather than being turned away.
/// </summary>
internal sealed class RequestRateLimits : IDisposable
{
    private const string DatastoresSegment = "/datastores";
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly PartitionedRateLimiter<string> _products;
    private readonly PartitionedRateLimiter<string> _narrow;

    public RequestRateLimits(PlatformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _products = PartitionedRateLimiter.Create<string, string>(path => Bucket(ProductOf(path), options.RequestsPerSecond));
        _narrow = PartitionedRateLimiter.Create<string, string>(path =>
            IsAuthentication(path) ? Bucket("authentication", options.AuthenticationRequestsPerSecond)
            : IsDatastores(path) ? Bucket("datastores", options.DatastoreRequestsPerSecond)
            : RateLimitPartition.GetNoLimiter("unlimited"));
        _limiter = PartitionedRateLimiter.CreateChained(_products, _narrow);
    }

    /// <summary>Waits for the turn of a request to <paramref name="path"/> (relative to the base address).</summary>
    public ValueTask<RateLimitLease> AcquireAsync(string path, CancellationToken cancellationToken) =>
        _limiter.AcquireAsync(path, 1, cancellationToken);

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
        _limiter.Dispose();
        _products.Dispose();
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

using System.Collections.Concurrent;

namespace CloudTemple.Operator.IntegrationTests.Harness;

/// <summary>Counts the requests a Kubernetes client sends, so that tests assert on API writes, not on hopes.</summary>
public sealed class RequestCounter : DelegatingHandler
{
    private readonly ConcurrentQueue<(HttpMethod Method, string Path)> _requests = new();

    /// <summary>Writes (anything but GET) other than the leader Lease's renewals.</summary>
    public int Writes => _requests.Count(r => r.Method != HttpMethod.Get && !r.Path.Contains("/leases", StringComparison.Ordinal));

    /// <summary>GETs of one object (its path ends with <paramref name="objectPath"/>, e.g. "/vlans/idle"): lists and watches are not counted.</summary>
    public int Reads(string objectPath) => _requests.Count(r => r.Method == HttpMethod.Get && r.Path.EndsWith(objectPath, StringComparison.Ordinal));

    /// <summary>The writes, for messages.</summary>
    public string Describe() => string.Join('\n', _requests.Where(r => r.Method != HttpMethod.Get).Select(r => $"{r.Method} {r.Path}"));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue((request.Method, request.RequestUri?.AbsolutePath ?? string.Empty));
        return base.SendAsync(request, cancellationToken);
    }
}

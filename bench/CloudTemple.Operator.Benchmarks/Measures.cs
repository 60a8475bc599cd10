using System.Globalization;
using System.Text.Json.Nodes;
using CloudTemple.Operator.LocalControlPlane;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>
/// The figures' sources: the operator's own /metrics, the API server's /metrics (its request
/// counters), the simulator's request counts and state, and the kernel's accounting of the
/// operator's process (/proc). Prometheus text is parsed by hand: a few series are needed.
/// </summary>
internal static class Measures
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The sum of every sample of <paramref name="series"/> whose labels contain each of <paramref name="labels"/> (e.g. verb="PATCH").</summary>
    public static double Sum(string metrics, string series, params string[] labels)
    {
        var sum = 0.0;
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(series, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[series.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' ') || !labels.All(l => rest.Contains(l, StringComparison.Ordinal)))
            {
                continue;
            }

            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                sum += v;
            }
        }

        return sum;
    }

    public static async Task<string> ScrapeAsync(Uri url, CancellationToken cancellationToken = default)
    {
        try
        {
            return await s_http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return string.Empty;
        }
    }

    /// <summary>Writes the operator made to the API server (create, update, patch, delete of the six kinds, their status, and events), from the API server's own counters.</summary>
    public static async Task<double> ApiWritesAsync(Kubectl kubectl)
    {
        var metrics = (await kubectl.RunAsync("get", "--raw", "/metrics").ConfigureAwait(false)).EnsureSuccess().StandardOutput;
        var writes = 0.0;
        foreach (var verb in new[] { "POST", "PUT", "PATCH", "DELETE", "APPLY" })
        {
            writes += Sum(metrics, "apiserver_request_total", $"verb=\"{verb}\"", "group=\"iaas.cloud-temple.com\"");
            writes += Sum(metrics, "apiserver_request_total", $"verb=\"{verb}\"", "resource=\"events\"");
        }

        return writes;
    }

    /// <summary>API requests the simulated platform has served: reads (GET) and writes.</summary>
    public static async Task<(long Reads, long Writes, Dictionary<string, long> Routes)> PlatformRequestsAsync(Uri platform)
    {
        var json = JsonNode.Parse(await s_http.GetStringAsync(new Uri(platform, "/debug/requests")).ConfigureAwait(false))!;
        var routes = json["routes"]?.AsObject().ToDictionary(p => p.Key, p => (long)p.Value!) ?? [];
        return ((long)json["reads"]!, (long)json["writes"]!, routes);
    }

    /// <summary>
    /// The collection a route belongs to: "GET /api/simulator/v1/cpools/{id}" counts under
    /// "GET /api/simulator/v1/cpools" (a trailing parameter segment is stripped); other routes are their own.
    /// </summary>
    public static string Collection(string route) =>
        route.EndsWith('}') && route.LastIndexOf("/{", StringComparison.Ordinal) is var slash and > 0 && route.IndexOf('/', slash + 1) < 0
            ? route[..slash]
            : route;

    /// <summary>The whole simulated platform, as its state file has it.</summary>
    public static async Task<JsonNode> PlatformStateAsync(Uri platform) =>
        JsonNode.Parse(await s_http.GetStringAsync(new Uri(platform, "/debug/state")).ConfigureAwait(false))!;

    /// <summary>The kernel's accounting of a process: CPU seconds (user + system) and peak resident memory (VmHWM), in MiB.</summary>
    public static (double CpuSeconds, double PeakMiB, double ResidentMiB) Process(int pid)
    {
        // /proc/PID/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second on Linux).
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        double Kib(string key) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(key, StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault();
        return (ticks / 100.0, Kib("VmHWM:") / 1024, Kib("VmRSS:") / 1024);
    }
}

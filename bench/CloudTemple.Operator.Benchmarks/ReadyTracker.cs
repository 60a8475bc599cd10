using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using k8s;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>What the tracker knows of one object from its last watch event.</summary>
internal sealed record ObjectState(string Kind, string Name, long Generation, bool Ready, bool Deleting, string? ExternalId, int Finalizers, string? Why = null)
{
    public static ObjectState From(string kind, JsonNode item)
    {
        var metadata = item["metadata"]!;
        var status = item["status"];
        var generation = (long?)metadata["generation"] ?? 0;
        var ready = status?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c?["type"] == "Ready");
        var isReady = (string?)ready?["status"] == "True" && (long?)status?["observedGeneration"] == generation;
        return new ObjectState(kind, (string)metadata["name"]!, generation, isReady, metadata["deletionTimestamp"] is not null,
            (string?)status?["externalId"], metadata["finalizers"]?.AsArray().Count ?? 0,
            ready is null ? "no Ready condition" : $"{ready["status"]} ({ready["reason"]}): {ready["message"]}");
    }
}

/// <summary>
/// Watches the six kinds in one namespace (list, then watch; again after any failure, such as an
/// API server restart) and records how many objects are Ready — Ready True at the current
/// generation — each time that count changes: the curve of the SVG chart.
/// </summary>
internal sealed class ReadyTracker : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly ConcurrentDictionary<string, ObjectState> _objects = new();
    private readonly List<(double Seconds, int Ready)> _series = [];
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _watches;
    private int _lastReady = -1;

    public ReadyTracker(IKubernetes client, string namespaceName, Stopwatch clock)
    {
        _client = client;
        _namespace = namespaceName;
        _clock = clock;
        _watches = [.. Kind.All.Select(k => Task.Run(() => WatchAsync(k, _stop.Token)))];
    }

    public int Ready => _objects.Values.Count(o => o.Ready);

    public int Count => _objects.Count;

    public IReadOnlyCollection<ObjectState> Objects => [.. _objects.Values];

    /// <summary>The seconds since the clock started at which the tracker first saw every one of the Expected objects Ready.</summary>
    public double? AllReadyAt { get; private set; }

    public int Expected { get; set; } = int.MaxValue;

    public IReadOnlyList<(double Seconds, int Ready)> Series
    {
        get
        {
            lock (_lock)
            {
                return [.. _series];
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 100 ms; false when the deadline passes.</summary>
    public async Task<bool> WaitAsync(Func<ReadyTracker, bool> condition, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition(this))
        {
            if (clock.Elapsed > deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private void Record()
    {
        var ready = Ready;
        lock (_lock)
        {
            if (ready == _lastReady)
            {
                return;
            }

            _lastReady = ready;
            var now = _clock.Elapsed.TotalSeconds;
            _series.Add((now, ready));
            if (ready >= Expected && _objects.Count == Expected && AllReadyAt is null)
            {
                AllReadyAt = now;
            }
        }
    }

    private async Task WatchAsync(Kind kind, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await _client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(
                    ApiGroup.Name, ApiGroup.Version, _namespace, kind.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
                var seen = new HashSet<string>();
                foreach (var item in list["items"]!.AsArray())
                {
                    var state = ObjectState.From(kind.Name, item!);
                    seen.Add($"{kind.Name}/{state.Name}");
                    _objects[$"{kind.Name}/{state.Name}"] = state;
                }

                foreach (var key in _objects.Keys.Where(k => k.StartsWith(kind.Name + "/", StringComparison.Ordinal) && !seen.Contains(k)))
                {
                    _objects.TryRemove(key, out _);
                }

                Record();
                var resourceVersion = (string)list["metadata"]!["resourceVersion"]!;
                var response = _client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<object>(
                    ApiGroup.Name, ApiGroup.Version, _namespace, kind.Plural, resourceVersion: resourceVersion,
                    timeoutSeconds: 300, watch: true, cancellationToken: cancellationToken);
                // WatchAsync has no typed replacement yet (kubernetes-client/csharp#1758).
#pragma warning disable CS0618 // Obsolete: see the line above.
                var events = response.WatchAsync<JsonObject, object>(cancellationToken: cancellationToken);
#pragma warning restore CS0618
                await foreach (var (type, item) in events.ConfigureAwait(false))
                {
                    if (type is WatchEventType.Bookmark or WatchEventType.Error || item?["metadata"] is null)
                    {
                        continue;
                    }

                    var state = ObjectState.From(kind.Name, item);
                    var key = $"{kind.Name}/{state.Name}";
                    if (type == WatchEventType.Deleted)
                    {
                        _objects.TryRemove(key, out _);
                    }
                    else
                    {
                        _objects[key] = state;
                    }

                    Record();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The API server is away (restarting) or the watch expired: list again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_watches).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }
}

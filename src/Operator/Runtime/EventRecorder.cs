using System.Globalization;
using System.Threading.RateLimiting;
using CloudTemple.Operator.Entities;
using k8s;
using k8s.Models;

namespace CloudTemple.Operator.Runtime;

/// <summary>Publishes events about one object.</summary>
public interface IEventSink
{
    /// <summary>Publishes an event (events.k8s.io/v1). Never throws; may drop it under the per-object rate limit.</summary>
    /// <param name="warning">Warning rather than Normal.</param>
    /// <param name="reason">CamelCase reason, e.g. Created.</param>
    /// <param name="action">What was done, e.g. CreateCpool.</param>
    /// <param name="note">A sentence for the user (at most 1,024 characters are kept).</param>
    void Publish(bool warning, string reason, string action, string note);
}

/// <summary>
/// Publishes events.k8s.io/v1 events about the operator's objects, rate-limited per object (a burst,
/// then a slow refill, as client-go's recorder does) so that a flapping object cannot flood etcd.
/// Publishing is fire-and-forget: a failed event is logged, never fails a reconcile.
/// </summary>
[Rbac("events.k8s.io", "events", "create", Scope = RbacScope.WatchedNamespaces, Reason = "create publishes an event about an object (never patched: no series)")]
public sealed partial class EventRecorder : IDisposable
{
    private readonly IKubernetes _client;
    private readonly string _instance;
    private readonly OperatorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<string> _limiter;

    public EventRecorder(IKubernetes client, string instance, OperatorMetrics metrics, ILogger logger, TimeProvider? time = null)
    {
        _client = client;
        _instance = instance;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 20,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(30),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>The reporting controller written in every event.</summary>
    public const string ReportingController = "iaas.cloud-temple.com/cloudtemple-operator";

    /// <summary>A sink for the events of one object.</summary>
    public IEventSink For(ICustomResource regarding) => new Sink(this, () => Reference(regarding));

    /// <summary>
    /// A sink for the events of the object <paramref name="regarding"/> points to: for an object known
    /// only by its metadata (one that cannot be read as its kind). Kind, name and namespace are required.
    /// </summary>
    public IEventSink For(V1ObjectReference regarding) => new Sink(this, () => regarding);

    public void Dispose() => _limiter.Dispose();

    private void Publish(V1ObjectReference regarding, bool warning, string reason, string action, string note)
    {
        var key = new ObjectKey(regarding.NamespaceProperty ?? string.Empty, regarding.Name);
        var controller = regarding.Kind.ToLowerInvariant();
        using var lease = _limiter.AttemptAcquire($"{regarding.Kind}/{key}");
        if (!lease.IsAcquired)
        {
            _metrics.Events.WithLabels(controller, "dropped").Inc();
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var body = new Eventsv1Event
        {
            // Named as client-go names events: the object's name, then a unique hexadecimal suffix.
            Metadata = new V1ObjectMeta { Name = EventName(key.Name, now), NamespaceProperty = key.Namespace },
            EventTime = now,
            ReportingController = ReportingController,
            ReportingInstance = _instance,
            Action = action,
            Reason = reason,
            Note = BoundedText.Truncate(note, BoundedText.EventNoteLength),
            Type = warning ? "Warning" : "Normal",
            Regarding = regarding,
        };
        _metrics.Events.WithLabels(controller, "published").Inc();
        _ = CreateAsync(body, key);
    }

    private static string EventName(string objectName, DateTime now)
    {
        var suffix = string.Create(CultureInfo.InvariantCulture, $".{(now - DateTime.UnixEpoch).Ticks * 100:x}{Random.Shared.Next(0x10000):x4}");
        return objectName[..Math.Min(objectName.Length, 253 - suffix.Length)] + suffix;
    }

    private async Task CreateAsync(Eventsv1Event body, ObjectKey key)
    {
        try
        {
            await _client.EventsV1.CreateNamespacedEventAsync(body, key.Namespace).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or OperationCanceledException)
        {
            LogEventFailed(e, key, body.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish event {Reason} about {Key}")]
    private partial void LogEventFailed(Exception exception, ObjectKey key, string reason);

    // Read when the event is published: the object's resourceVersion moves with each status write.
    private static V1ObjectReference Reference(ICustomResource entity)
    {
        var info = EntityInfo.Of(entity.GetType());
        return new V1ObjectReference
        {
            ApiVersion = info.ApiVersion,
            Kind = info.Kind,
            Name = entity.Metadata.Name,
            NamespaceProperty = entity.Metadata.NamespaceProperty,
            Uid = entity.Metadata.Uid,
            ResourceVersion = entity.Metadata.ResourceVersion,
        };
    }

    private sealed class Sink(EventRecorder recorder, Func<V1ObjectReference> regarding) : IEventSink
    {
        public void Publish(bool warning, string reason, string action, string note) =>
            recorder.Publish(regarding(), warning, reason, action, note);
    }
}

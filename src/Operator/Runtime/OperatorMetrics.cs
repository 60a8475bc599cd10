using k8s;
using Prometheus;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// The operator's Prometheus series, with controller-runtime's names so that existing dashboards
/// work (controller_runtime_*, workqueue_*, leader_election_master_status), plus the project's
/// own (cloudtemple_*). Each runtime has its own registry, which /metrics serves.
/// </summary>
public sealed class OperatorMetrics
{
    private static readonly double[] s_durationBuckets = Histogram.ExponentialBuckets(0.001, 2, 16);

    public OperatorMetrics(CollectorRegistry? registry = null)
    {
        Registry = registry ?? Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        ReconcileTotal = factory.CreateCounter("controller_runtime_reconcile_total", "Total number of reconciliations per controller.", "controller", "result");
        ReconcileErrors = factory.CreateCounter("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller.", "controller");
        ReconcileTime = factory.CreateHistogram("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller.",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = s_durationBuckets });
        MaxConcurrentReconciles = factory.CreateGauge("controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller.", "controller");
        ActiveWorkers = factory.CreateGauge("controller_runtime_active_workers", "Number of currently used workers per controller.", "controller");
        QueueDepth = factory.CreateGauge("workqueue_depth", "Current depth of workqueue.", "name");
        QueueAdds = factory.CreateCounter("workqueue_adds_total", "Total number of adds handled by workqueue.", "name");
        QueueDuration = factory.CreateHistogram("workqueue_queue_duration_seconds", "How long in seconds an item stays in workqueue before being requested.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = s_durationBuckets });
        WorkDuration = factory.CreateHistogram("workqueue_work_duration_seconds", "How long in seconds processing an item from workqueue takes.",
            new HistogramConfiguration { LabelNames = ["name"], Buckets = s_durationBuckets });
        QueueRetries = factory.CreateCounter("workqueue_retries_total", "Total number of retries handled by workqueue.", "name");
        LeaderStatus = factory.CreateGauge("leader_election_master_status", "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.", "name");
        InformerEvents = factory.CreateCounter("cloudtemple_informer_events_total", "Watch events received per controller and type.", "controller", "type");
        InformerLists = factory.CreateCounter("cloudtemple_informer_lists_total", "Full lists made per controller (at start and after a 410 Gone).", "controller");
        InformerExpired = factory.CreateCounter("cloudtemple_informer_watch_expired_total", "Watches whose resourceVersion expired (410 Gone) per controller.", "controller");
        InformerReconnects = factory.CreateCounter("cloudtemple_informer_reconnects_total", "Watches retried after a failure per controller.", "controller");
        InformerDecodeFailures = factory.CreateCounter("cloudtemple_informer_decode_failures_total",
            "Object versions skipped per controller because they cannot be read as the controller's kind (each reported once, with a warning and an event).", "controller");
        InformerRestarts = factory.CreateCounter("cloudtemple_informer_restarts_total", "Informers started again from a list after an unexpected failure, per controller.", "controller");
        StatusWrites = factory.CreateCounter("cloudtemple_status_writes_total", "Status patches written per controller.", "controller");
        Events = factory.CreateCounter("cloudtemple_events_total", "Kubernetes events published or dropped by the per-object rate limit.", "controller", "outcome");
        FirstReconcile = factory.CreateGauge("cloudtemple_first_reconcile_seconds", "Seconds from the process start to the end of its first reconcile; 0 until then.");
        ProcessMemory = factory.CreateGauge("cloudtemple_process_working_set_bytes", "Working set of the operator process.");
        Registry.AddBeforeCollectCallback(() => ProcessMemory.Set(Environment.WorkingSet));
    }

    public CollectorRegistry Registry { get; }

    public Counter ReconcileTotal { get; }

    /// <summary>Seconds from the process start to the end of its first reconcile (the start-up figure of make bench).</summary>
    public Gauge FirstReconcile { get; }

    private int _firstReconcileRecorded;

    /// <summary>Records the first reconcile's time since the process started; later calls do nothing.</summary>
    public void RecordReconcile()
    {
        if (Interlocked.CompareExchange(ref _firstReconcileRecorded, 1, 0) == 0)
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            FirstReconcile.Set((DateTime.Now - process.StartTime).TotalSeconds);
        }
    }

    public Counter ReconcileErrors { get; }

    public Histogram ReconcileTime { get; }

    public Gauge MaxConcurrentReconciles { get; }

    public Gauge ActiveWorkers { get; }

    public Gauge QueueDepth { get; }

    public Counter QueueAdds { get; }

    public Histogram QueueDuration { get; }

    public Histogram WorkDuration { get; }

    public Counter QueueRetries { get; }

    public Gauge LeaderStatus { get; }

    public Counter InformerEvents { get; }

    public Counter InformerLists { get; }

    public Counter InformerExpired { get; }

    public Counter InformerReconnects { get; }

    public Counter InformerDecodeFailures { get; }

    public Counter InformerRestarts { get; }

    public Counter StatusWrites { get; }

    public Counter Events { get; }

    public Gauge ProcessMemory { get; }

    /// <summary>The workqueue_* series of one controller's queue.</summary>
    public IWorkQueueMetrics ForQueue(string name) => new QueueMetrics(this, name);

    /// <summary>The cloudtemple_informer_* series of one controller's informers.</summary>
    public IInformerMetrics ForInformer(string controller)
    {
        // Published at 0 from the start, so that an alert on their increase sees them before the first failure.
        InformerDecodeFailures.WithLabels(controller);
        InformerRestarts.WithLabels(controller);
        return new InformerMetrics(this, controller);
    }

    private sealed class QueueMetrics(OperatorMetrics metrics, string name) : IWorkQueueMetrics
    {
        public void Added() => metrics.QueueAdds.WithLabels(name).Inc();

        public void Retried() => metrics.QueueRetries.WithLabels(name).Inc();

        public void DepthChanged(int depth) => metrics.QueueDepth.WithLabels(name).Set(depth);

        public void Dequeued(TimeSpan waited, int depth)
        {
            metrics.QueueDuration.WithLabels(name).Observe(waited.TotalSeconds);
            metrics.QueueDepth.WithLabels(name).Set(depth);
        }
    }

    private sealed class InformerMetrics(OperatorMetrics metrics, string controller) : IInformerMetrics
    {
        public void Listed() => metrics.InformerLists.WithLabels(controller).Inc();

        public void Expired() => metrics.InformerExpired.WithLabels(controller).Inc();

        public void Reconnected() => metrics.InformerReconnects.WithLabels(controller).Inc();

        public void Event(WatchEventType type) => metrics.InformerEvents.WithLabels(controller, type.ToString()).Inc();

        public void DecodeFailed() => metrics.InformerDecodeFailures.WithLabels(controller).Inc();

        public void Restarted() => metrics.InformerRestarts.WithLabels(controller).Inc();
    }
}

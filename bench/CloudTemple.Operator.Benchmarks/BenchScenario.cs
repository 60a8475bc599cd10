using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CloudTemple.Operator.LocalControlPlane;
using CloudTemple.Operator.Simulator.Service;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>
/// <c>cloudtemple-bench bench</c> (<c>make bench</c>): burst, idle, startup, scale and peer, measured on
/// the local control plane and the simulated platform with the operator as a process. Figures come
/// from the operator's /metrics, the API server's and the platform's request counters and /proc;
/// targets are reported met or missed, never asserted: slowness never fails the command.
/// </summary>
internal static class BenchScenario
{
    public static Command Create()
    {
        var objects = new Option<int>("--objects") { Description = "Objects of the burst (six kinds in turn, with references).", DefaultValueFactory = _ => 1000 };
        var latency = new Option<string>("--latency") { Description = "Simulated duration L of every platform operation.", DefaultValueFactory = _ => "200ms" };
        var parallelism = new Option<int>("--parallelism") { Description = "The operator's --parallelism P (reconciles at once per kind).", DefaultValueFactory = _ => 16 };
        var resync = new Option<string>("--resync-period") { Description = "The operator's --resync-period during the idle scenario.", DefaultValueFactory = _ => "20s" };
        var idlePeriods = new Option<int>("--idle-periods") { Description = "Resync periods the idle scenario watches.", DefaultValueFactory = _ => 3 };
        var scaleObjects = new Option<int>("--scale-objects") { Description = "Objects of the scale scenario.", DefaultValueFactory = _ => 10_000 };
        var scaleWindow = new Option<string>("--scale-window") { Description = "How long the scale scenario runs the operator at most (it stops earlier when every object is Ready).", DefaultValueFactory = _ => "20m" };
        var scenarios = new Option<string>("--scenarios") { Description = "Which scenarios, comma-separated: burst, idle, startup, scale, peer (idle and startup follow the burst).", DefaultValueFactory = _ => "burst,idle,startup,scale,peer" };
        var peerObjects = new Option<int>("--peer-objects") { Description = "Objects of the peer scenario's second measure (the first has 1,000, or a fifth when fewer).", DefaultValueFactory = _ => 5000 };
        var deadline = new Option<string>("--deadline") { Description = "How long a scenario waits for every object to be Ready before it reports what it has.", DefaultValueFactory = _ => "20m" };
        var repository = new Option<DirectoryInfo>("--repository") { Description = "The repository checkout (config/crd).", DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()) };
        var results = new Option<DirectoryInfo?>("--results") { Description = "Where the JSON and SVG files go (default: bench/results in the repository)." };
        var command = new Command("bench", "Burst, idle, startup, scale and peer figures of the operator on the local control plane and the simulated platform.")
        {
            objects, latency, parallelism, resync, idlePeriods, scaleObjects, scaleWindow, scenarios, peerObjects, deadline, repository, results,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var repo = parse.GetValue(repository)!.FullName;
            var settings = new Settings(
                parse.GetValue(objects), SimulatorCommand.Duration(parse.GetValue(latency)!), parse.GetValue(parallelism),
                SimulatorCommand.Duration(parse.GetValue(resync)!), parse.GetValue(idlePeriods), parse.GetValue(scaleObjects), SimulatorCommand.Duration(parse.GetValue(scaleWindow)!),
                [.. parse.GetValue(scenarios)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                parse.GetValue(peerObjects), SimulatorCommand.Duration(parse.GetValue(deadline)!), repo,
                parse.GetValue(results)?.FullName ?? Path.Combine(repo, "bench", "results"));
            return RunAsync(settings, cancellationToken);
        });
        return command;
    }

    internal sealed record Settings(int Objects, TimeSpan Latency, int Parallelism, TimeSpan Resync, int IdlePeriods, int ScaleObjects, TimeSpan ScaleWindow,
        IReadOnlyList<string> Scenarios, int PeerObjects, TimeSpan Deadline, string Repository, string Results);

    private static void Say(string message) => Console.WriteLine($"[bench] {message}");

    public static async Task<int> RunAsync(Settings s, CancellationToken cancellationToken)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var report = new Report($"cloudtemple-bench bench, {stamp} UTC: N={s.Objects}, L={s.Latency.TotalMilliseconds} ms, P={s.Parallelism}, {Environment.ProcessorCount} cores");
        report.Detail("parameters", new JsonObject
        {
            ["objects"] = s.Objects, ["latencyMs"] = s.Latency.TotalMilliseconds, ["parallelism"] = s.Parallelism,
            ["resyncSeconds"] = s.Resync.TotalSeconds, ["idlePeriods"] = s.IdlePeriods, ["scaleObjects"] = s.ScaleObjects, ["peerObjects"] = s.PeerObjects,
            ["cores"] = Environment.ProcessorCount,
        });
        var work = Path.Combine(Path.GetTempPath(), $"cloudtemple-bench-{Environment.ProcessId}");
        if (s.Scenarios.Any(x => x is "burst" or "idle" or "startup"))
        {
            await BurstIdleStartupAsync(s, report, Path.Combine(work, "burst"), Path.Combine(s.Results, $"bench-{stamp}-burst.svg"), cancellationToken).ConfigureAwait(false);
        }

        if (s.Scenarios.Contains("scale"))
        {
            await ScaleAsync(s, report, Path.Combine(work, "scale"), Path.Combine(s.Results, $"bench-{stamp}-scale.svg"), cancellationToken).ConfigureAwait(false);
        }

        if (s.Scenarios.Contains("peer"))
        {
            try
            {
                await PeerScenario.RunAsync(s, report, Path.Combine(work, "peer"), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A reference that fails (its build, its process) is reported, not fatal to the other scenarios' figures.
                Say($"peer: failed: {e.Message}");
                report.Add(new Figure("peer", PeerScenario.RatioName, double.NaN, "x", "<= 1.5", false, $"not measured: {e.GetType().Name}: {e.Message}"));
            }
        }

        report.Print(Console.Out);
        Console.WriteLine("""

            How to read it: burst ratio = time from the operator's process start, with the N objects applied just before
            (the burst lands in its queue at once), until all are Ready, divided by the platform's lower bound
              max(critical path, max over kinds of ceil(ops of the kind / P) x L, max over products of requests on the product / 25 rps);
            the critical path is the longest chain of operations along references (Cpool -> BlockVolume -> VmReplication),
            each operation lasting its configured duration; the last term is the platform's rate limit (25 requests per
            second per product and token, the product being the path segment after api/) applied to the fewest requests
            possible: one write per operation on api/simulator and one poll per operation on api/activity, each product
            ops / 25 s (1,000 objects, 1,500 operations: 60 s); list reads are amortised, so none is counted per object.
            Scale's ratio uses the same bound. First object Ready counts from the operator's process start too. Idle counts
            the API server's own request counters (writes to the six kinds and to events) and the platform's GETs by route,
            an item route (.../{id}) counted under its collection, per resync period (one tenant in the bench).
            Memory is the kernel's peak resident set (VmHWM) of the operator process; CPU is its user + system time divided
            by controller_runtime_reconcile_total. Peer: client-go's sample-controller (1.20.2, hack/sample-controller.sh)
            and the operator on one control plane, each given 1,000 then 5,000 objects (Foos with their Deployments;
            paused objects of the six kinds); memory per object = (VmRSS at 5,000 - VmRSS at 1,000) / 4,000.
            """);
        var json = report.WriteJson(Path.Combine(s.Results, $"bench-{stamp}.json"));
        Say($"written {Path.GetRelativePath(s.Repository, json)} and the SVG charts beside it; logs in {work}");
        return 0;
    }

    private static IEnumerable<string> SimulatorArguments(Settings s) =>
        ["--duration", $"all={s.Latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms", "--duration", "waiting=0"];

    internal static IEnumerable<string> OperatorArguments(Settings s) =>
        ["--parallelism", s.Parallelism.ToString(CultureInfo.InvariantCulture), "--resync-period", $"{(int)s.Resync.TotalSeconds}s", "--leader-elect", "false"];

    private static async Task BurstIdleStartupAsync(Settings s, Report report, string work, string svg, CancellationToken cancellationToken)
    {
        var workload = Workload.Objects(s.Objects);
        Say($"burst: starting the control plane and the simulated platform (every operation {s.Latency.TotalMilliseconds} ms)");
        await using var stack = await Stack.StartAsync(s.Repository, work, Workload.Units(s.Objects), SimulatorArguments(s), cancellationToken).ConfigureAwait(false);
        var applying = Stopwatch.StartNew();
        await Workload.CreateAsync(stack.Client, Stack.Namespace, workload, 16, cancellationToken).ConfigureAwait(false);
        var applied = applying.Elapsed.TotalSeconds;
        Say($"burst: {s.Objects} objects applied in {applied:F1} s; starting the operator (P={s.Parallelism}): the clock starts with its process");
        var writesBefore = await Measures.ApiWritesAsync(stack.Kubectl).ConfigureAwait(false);
        var (readsBefore, platformWritesBefore, _) = await Measures.PlatformRequestsAsync(stack.Platform.Url).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var replica = stack.StartOperator("operator", OperatorArguments(s), webhook: true);
        try
        {
            await using var tracker = new ReadyTracker(stack.Client, Stack.Namespace, clock) { Expected = s.Objects };
            var allReady = await tracker.WaitAsync(t => t.AllReadyAt is not null, s.Deadline, cancellationToken).ConfigureAwait(false);
            var burst = tracker.AllReadyAt ?? clock.Elapsed.TotalSeconds;
            Say(allReady ? $"burst: all {s.Objects} Ready {burst:F1} s after the operator started" : $"burst: {tracker.Ready}/{s.Objects} Ready at the deadline");

            var writes = await Measures.ApiWritesAsync(stack.Kubectl).ConfigureAwait(false) - writesBefore;
            var (readsAfter, platformWritesAfter, routes) = await Measures.PlatformRequestsAsync(stack.Platform.Url).ConfigureAwait(false);
            var requests = readsAfter - readsBefore + platformWritesAfter - platformWritesBefore;
            var bound = await LowerBoundAsync(stack, tracker, workload, s).ConfigureAwait(false);
            var ratio = burst / bound.Bound;
            var firstReady = tracker.Series.Where(p => p.Ready > 0).Select(p => p.Seconds).DefaultIfEmpty(double.NaN).First();
            var requestsPerObject = requests / (double)s.Objects;
            var writesPerObject = writes / s.Objects;
            report.Add(new Figure("burst", "time until all Ready", burst, "s", Note: $"{tracker.Ready}/{s.Objects} Ready, from the operator's process start; the objects were applied before it started (in {applied:F1} s)"));
            report.Add(new Figure("burst", "platform lower bound", bound.Bound, "s", Note: bound.Describe(s)));
            report.Add(new Figure("burst", "time / lower bound", ratio, "x", "<= 1.3", allReady && ratio <= 1.3));
            report.Add(new Figure("burst", "first object Ready", firstReady, "s", "<= 3 s", firstReady <= 3, "from the operator's process start"));
            report.Add(new Figure("burst", "objects Ready", tracker.Ready, $"of {s.Objects}"));
            report.Add(new Figure("burst", "platform requests per object", requestsPerObject, "", "<= 3", requestsPerObject <= 3,
                $"{requests} requests until all were Ready; the platform allows {PlatformRequestsPerSecond} per second per product and token"));
            report.Add(new Figure("burst", "API writes per object", writesPerObject, "", "<= 6", writesPerObject <= 6,
                $"{writes} writes (status, finalizers, events) until all were Ready, by the API server's counters"));
            report.Detail("burst", new JsonObject
            {
                ["seconds"] = burst, ["applySeconds"] = applied, ["apiWrites"] = writes, ["lowerBoundSeconds"] = bound.Bound, ["criticalPathSeconds"] = bound.CriticalPath,
                ["throughputSeconds"] = bound.Throughput, ["requestBudgetSeconds"] = bound.Requests, ["operations"] = bound.Operations, ["platformRequests"] = requests,
                ["firstReadySeconds"] = double.IsFinite(firstReady) ? firstReady : null,
                ["lowerBoundRequestsPerProduct"] = new JsonObject([.. bound.PerProduct.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                ["platformRequestsByRoute"] = new JsonObject([.. routes.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value))]),
                ["operationsPerKind"] = new JsonObject([.. bound.PerKind.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))]),
                ["series"] = new JsonArray([.. tracker.Series.Select(p => (JsonNode)new JsonArray(Math.Round(p.Seconds, 3), p.Ready))]),
            });
            Report.WriteSvg(svg, $"burst: {s.Objects} objects, L = {s.Latency.TotalMilliseconds} ms, P = {s.Parallelism}", tracker.Series, s.Objects, bound.Bound);

            if (s.Scenarios.Contains("idle") && allReady)
            {
                await IdleAsync(stack, replica, s, report, cancellationToken).ConfigureAwait(false);
            }

            if (s.Scenarios.Contains("startup"))
            {
                await replica.Process.TerminateAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                await replica.DisposeAsync().ConfigureAwait(false);
                replica = stack.StartOperator("operator-2", OperatorArguments(s), webhook: true);
                var startup = await FirstReconcileAsync(replica, cancellationToken).ConfigureAwait(false);
                Say($"startup: first reconcile {startup:F2} s after the process started");
                report.Add(new Figure("startup", "process start to first reconcile", startup, "s", "<= 1 s", startup <= 1,
                    $"{s.Objects} objects in the cache; the webhook's certificate is made at start"));
            }
        }
        finally
        {
            await replica.Process.TerminateAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await replica.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Process start to the end of the first reconcile: the operator's cloudtemple_first_reconcile_seconds,
    // read once /metrics counts a reconcile (polled every 20 ms).
    private static async Task<double> FirstReconcileAsync(OperatorReplica replica, CancellationToken cancellationToken)
    {
        var started = replica.Process.StartTime;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            var metrics = await Measures.ScrapeAsync(replica.MetricsUrl, cancellationToken).ConfigureAwait(false);
            if (Measures.Sum(metrics, "controller_runtime_reconcile_total") > 0)
            {
                // The operator's own figure when it has one; else what the poll saw (an upper bound).
                var own = Measures.Sum(metrics, "cloudtemple_first_reconcile_seconds");
                return own > 0 ? own : (DateTime.Now - started).TotalSeconds;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return double.NaN;
    }

    private static async Task IdleAsync(Stack stack, OperatorReplica replica, Settings s, Report report, CancellationToken cancellationToken)
    {
        // The burst's tail first (queued reconciles, the last Ready transitions' events), then whole resync periods.
        await SettledAsync(stack, replica, cancellationToken).ConfigureAwait(false);
        var window = s.Resync * s.IdlePeriods;
        Say($"idle: watching {s.IdlePeriods} resync periods of {s.Resync.TotalSeconds} s");
        var writes0 = await Measures.ApiWritesAsync(stack.Kubectl).ConfigureAwait(false);
        var (reads0, platformWrites0, routes0) = await Measures.PlatformRequestsAsync(stack.Platform.Url).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, cancellationToken).ConfigureAwait(false);
        var writes1 = await Measures.ApiWritesAsync(stack.Kubectl).ConfigureAwait(false);
        var (reads1, platformWrites1, routes1) = await Measures.PlatformRequestsAsync(stack.Platform.Url).ConfigureAwait(false);
        var minutes = clock.Elapsed.TotalMinutes;
        var writesPerMinute = (writes1 - writes0) / minutes;
        var periods = clock.Elapsed / s.Resync;
        var readsPerObjectPerPeriod = (reads1 - reads0) / (double)s.Objects / periods;
        // GETs per collection route (an item route .../{id} counted under its collection), per resync period.
        var perCollection = routes1.Select(r => (Route: r.Key, Count: r.Value - routes0.GetValueOrDefault(r.Key)))
            .Where(r => r.Count > 0 && r.Route.StartsWith("GET ", StringComparison.Ordinal))
            .GroupBy(r => Measures.Collection(r.Route), r => r.Count)
            .Select(g => (Collection: g.Key, PerPeriod: g.Sum() / periods))
            .OrderByDescending(c => c.PerPeriod).ToList();
        var largest = perCollection.Count > 0 ? perCollection[0].PerPeriod : 0;
        var totalPerPeriod = perCollection.Sum(c => c.PerPeriod);
        var capped = (reads1 - reads0 + platformWrites1 - platformWrites0) / clock.Elapsed.TotalSeconds >= 0.9 * PlatformRequestsPerSecond;
        var cappedNote = $"; that is the platform's rate limit ({PlatformRequestsPerSecond}/s): the resyncs did not all fit, so this figure is capped by it — measure with a smaller N";
        report.Add(new Figure("idle", "API writes per minute", writesPerMinute, "/min", "0", writesPerMinute == 0, $"{writes1 - writes0} writes in {clock.Elapsed.TotalSeconds:F0} s"));
        report.Add(new Figure("idle", "platform reads per object per resync period", readsPerObjectPerPeriod, "", "<= 1", readsPerObjectPerPeriod <= 1,
            $"{reads1 - reads0} GETs, {platformWrites1 - platformWrites0} other requests (token exchanges, writes) over {clock.Elapsed / s.Resync:F2} periods"
            + (capped ? cappedNote : string.Empty)));
        report.Add(new Figure("idle", "platform requests per resync period", largest, "GETs", "<= 5 per tenant and collection", largest <= 5,
            $"the largest per collection route{(perCollection.Count > 0 ? $" ({perCollection[0].Collection})" : string.Empty)}; one tenant; "
            + $"total {totalPerPeriod:F1} GETs per period over {periods:F2} periods; "
            + (perCollection.Count == 0 ? "no GET" : string.Join(", ", perCollection.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Collection} {c.PerPeriod:F1}"))))
            + (capped ? cappedNote : string.Empty)));
        report.Detail("idle", new JsonObject
        {
            ["seconds"] = clock.Elapsed.TotalSeconds, ["periods"] = periods, ["platformGetsPerPeriodTotal"] = totalPerPeriod,
            ["platformGetsPerPeriodByCollection"] = new JsonObject([.. perCollection.Select(c => KeyValuePair.Create(c.Collection, (JsonNode?)Math.Round(c.PerPeriod, 3)))]), ["apiWrites"] = writes1 - writes0, ["platformReads"] = reads1 - reads0,
            ["platformOtherRequests"] = platformWrites1 - platformWrites0,
            ["platformRequestsByRoute"] = new JsonObject([.. routes1.Where(r => r.Value > routes0.GetValueOrDefault(r.Key))
                .Select(r => KeyValuePair.Create(r.Key, (JsonNode?)(r.Value - routes0.GetValueOrDefault(r.Key))))]),
        });
    }

    private static async Task ScaleAsync(Settings s, Report report, string work, string svg, CancellationToken cancellationToken)
    {
        var workload = Workload.Objects(s.ScaleObjects);
        Say($"scale: {s.ScaleObjects} objects; starting the control plane, the simulated platform and the operator");
        await using var stack = await Stack.StartAsync(s.Repository, work, Workload.Units(s.ScaleObjects), SimulatorArguments(s), cancellationToken).ConfigureAwait(false);
        var applying = Stopwatch.StartNew();
        await Workload.CreateAsync(stack.Client, Stack.Namespace, workload, 16, cancellationToken).ConfigureAwait(false);
        var applied = applying.Elapsed.TotalSeconds;
        Say($"scale: {s.ScaleObjects} objects applied in {applied:F0} s; starting the operator");
        var clock = Stopwatch.StartNew();
        var replica = stack.StartOperator("operator", OperatorArguments(s), webhook: true);
        try
        {
            await using var tracker = new ReadyTracker(stack.Client, Stack.Namespace, clock) { Expected = s.ScaleObjects };
            var allReady = await tracker.WaitAsync(t => t.AllReadyAt is not null, s.ScaleWindow, cancellationToken).ConfigureAwait(false);
            var seconds = tracker.AllReadyAt ?? clock.Elapsed.TotalSeconds;
            Say(allReady ? $"scale: all Ready {seconds:F0} s after the operator started" : $"scale: {tracker.Ready}/{s.ScaleObjects} Ready when the {s.ScaleWindow.TotalSeconds:F0} s window ended");
            var metrics = await Measures.ScrapeAsync(replica.MetricsUrl, cancellationToken).ConfigureAwait(false);
            var reconciles = Measures.Sum(metrics, "controller_runtime_reconcile_total");
            var (cpu, peak, resident) = Measures.Process(replica.Process.Id);
            var bound = await LowerBoundAsync(stack, tracker, workload, s).ConfigureAwait(false);
            var ratio = seconds / bound.Bound;
            report.Add(new Figure("scale", "objects Ready", tracker.Ready, $"of {s.ScaleObjects}", $"all {s.ScaleObjects}", tracker.Ready == s.ScaleObjects,
                $"{seconds:F0} s after the operator started (the objects were applied before, in {applied:F0} s)"));
            report.Add(new Figure("scale", "time until all Ready", seconds, "s", Note: allReady ? "from the operator's process start" : $"not all Ready: the {s.ScaleWindow.TotalSeconds:F0} s window ended"));
            report.Add(new Figure("scale", "platform lower bound", bound.Bound, "s", Note: bound.Describe(s)));
            report.Add(new Figure("scale", "time / lower bound", ratio, "x", "<= 1.3", allReady && ratio <= 1.3,
                allReady ? null : "not all Ready: the time is the window's, so the ratio is a lower bound of the real one"));
            report.Add(new Figure("scale", "operator peak memory (VmHWM)", peak, "MiB", "<= 200 MiB", peak <= 200, $"resident now {resident:F0} MiB"));
            report.Add(new Figure("scale", "CPU per reconcile", cpu / Math.Max(1, reconciles) * 1000, "ms", Note: $"{cpu:F1} CPU s over {reconciles} reconciles"));
            report.Detail("scale", new JsonObject
            {
                ["seconds"] = seconds, ["applySeconds"] = applied, ["ready"] = tracker.Ready, ["reconciles"] = reconciles, ["cpuSeconds"] = cpu,
                ["lowerBoundSeconds"] = bound.Bound, ["criticalPathSeconds"] = bound.CriticalPath, ["throughputSeconds"] = bound.Throughput,
                ["requestBudgetSeconds"] = bound.Requests, ["operations"] = bound.Operations,
                ["peakMiB"] = peak, ["residentMiB"] = resident,
                ["series"] = new JsonArray([.. tracker.Series.Select(p => (JsonNode)new JsonArray(Math.Round(p.Seconds, 3), p.Ready))]),
            });
            Report.WriteSvg(svg, $"scale: {s.ScaleObjects} objects, L = {s.Latency.TotalMilliseconds} ms, P = {s.Parallelism}", tracker.Series, s.ScaleObjects, bound.Bound);
        }
        finally
        {
            await replica.Process.TerminateAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await replica.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits, with a deadline, until the operator's work queues are empty and the API server's write
    /// counter no longer moves between two scrapes: nothing of the burst is left to count as idle.
    /// </summary>
    internal static async Task SettledAsync(Stack stack, OperatorReplica replica, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var writes = await Measures.ApiWritesAsync(stack.Kubectl).ConfigureAwait(false);
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            var queued = Measures.Sum(await Measures.ScrapeAsync(replica.MetricsUrl, cancellationToken).ConfigureAwait(false), "workqueue_depth");
            var now = await Measures.ApiWritesAsync(stack.Kubectl).ConfigureAwait(false);
            if (queued == 0 && now == writes)
            {
                return;
            }

            writes = now;
        }

        Say("idle: the operator did not settle within 2 minutes; measuring anyway");
    }

    /// <summary>The platform's rate limit per product and token (PlatformOptions.RequestsPerSecond, which the operator honours).</summary>
    private const int PlatformRequestsPerSecond = 25;

    internal sealed record LowerBound(double Bound, double CriticalPath, double Throughput, double Requests, int Operations, IReadOnlyDictionary<string, int> PerKind,
        IReadOnlyDictionary<string, int> PerProduct)
    {
        public string Describe(Settings s) => string.Create(CultureInfo.InvariantCulture,
            $"max(critical path {CriticalPath:F2} s, workers {Throughput:F2} s, request budget {Requests:F2} s = max over products of requests / {PlatformRequestsPerSecond} rps: {string.Join(", ", PerProduct.Select(p => $"{p.Key} {p.Value}"))}); {Operations} operations of {s.Latency.TotalMilliseconds} ms, P={s.Parallelism}");
    }

    /// <summary>
    /// The platform's lower bound for the burst, from the operations it actually ran for each object
    /// (matched by resource id) and their configured durations: the longest chain along references,
    /// the time P operations at a time per kind would need, and the platform's request budget.
    /// </summary>
    private static async Task<LowerBound> LowerBoundAsync(Stack stack, ReadyTracker tracker, IReadOnlyList<WorkloadObject> workload, Settings s)
    {
        var state = await Measures.PlatformStateAsync(stack.Platform.Url).ConfigureAwait(false);
        var operations = state["operations"]!.AsArray()
            .Select(o => (Item: (string)o!["item"]!["id"]!, Seconds: (int)o["steps"]! * TimeSpan.Parse((string)o["stepDuration"]!, CultureInfo.InvariantCulture).TotalSeconds))
            .ToLookup(o => o.Item, o => o.Seconds);
        var objects = tracker.Objects.ToDictionary(o => $"{o.Kind}/{o.Name}");
        var own = new Dictionary<string, (int Count, double Seconds)>();
        foreach (var o in workload)
        {
            var id = objects.GetValueOrDefault(o.Key)?.ExternalId;
            var ops = id is null ? [] : operations[id].ToList();
            own[o.Key] = (ops.Count, ops.Sum());
        }

        var chains = new Dictionary<string, double>();
        var byKey = workload.ToDictionary(w => w.Key);
        double Chain(WorkloadObject o)
        {
            if (!chains.TryGetValue(o.Key, out var chain))
            {
                chain = chains[o.Key] = own[o.Key].Seconds + o.References.Select(r => Chain(byKey[$"{r.Kind.Name}/{r.Name}"])).DefaultIfEmpty(0).Max();
            }

            return chain;
        }

        var critical = workload.Max(Chain);
        var perKind = workload.GroupBy(o => o.Kind.Name).ToDictionary(g => g.Key, g => g.Sum(o => own[o.Key].Count));
        var throughput = perKind.Values.Select(n => Math.Ceiling(n / (double)s.Parallelism) * s.Latency.TotalSeconds).DefaultIfEmpty(0).Max();
        // The fewest requests the platform needs, at its rate limit per product (the path segment after api/):
        // per operation, its write on the resources' product (the simulator's routes are all api/simulator/...)
        // and one poll that sees it done on api/activity/...; list reads are amortised, none counted per object.
        var operationCount = perKind.Values.Sum();
        var perProduct = new Dictionary<string, int> { ["simulator"] = operationCount, ["activity"] = operationCount };
        var requests = perProduct.Values.Max() / (double)PlatformRequestsPerSecond;
        return new LowerBound(Math.Max(critical, Math.Max(throughput, requests)), critical, throughput, requests, operationCount, perKind, perProduct);
    }
}

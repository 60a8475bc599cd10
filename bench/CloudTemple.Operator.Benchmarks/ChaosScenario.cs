using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.LocalControlPlane;
using CloudTemple.Operator.Simulator.Service;
using k8s;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>
/// <c>cloudtemple-bench chaos</c> (<c>make chaos</c>): a soak that ends by itself. Objects of the six
/// kinds on a faulty platform (5xx, bursts of 429, latency spikes, stuck operations, transient
/// failures), two operator replicas with leader election whose leader is SIGKILLed every ~15 s, one
/// API server restart, then half the objects deleted. Correctness is asserted (non-zero exit): every
/// remaining object Ready, the platform's resources exactly the objects (none leaked, none
/// duplicated), no finalizer stuck, and never an object Ready while the platform disagreed.
/// </summary>
internal static class ChaosScenario
{
    public static Command Create()
    {
        var objects = new Option<int>("--objects") { Description = "Objects (six kinds in turn, with references).", DefaultValueFactory = _ => 300 };
        var duration = new Option<string>("--duration") { Description = "Length of the chaos phase plus its settling; the run ends by itself.", DefaultValueFactory = _ => "10m" };
        var killEvery = new Option<string>("--kill-every") { Description = "How long each leader leads before it is SIGKILLed (±20 %).", DefaultValueFactory = _ => "15s" };
        var latency = new Option<string>("--latency") { Description = "Simulated duration of every platform operation.", DefaultValueFactory = _ => "1s" };
        var seed = new Option<int>("--seed") { Description = "Seed of the platform's faults and of the kill timing.", DefaultValueFactory = _ => 42 };
        var repository = new Option<DirectoryInfo>("--repository") { Description = "The repository checkout (config/crd).", DefaultValueFactory = _ => new DirectoryInfo(Directory.GetCurrentDirectory()) };
        var results = new Option<DirectoryInfo?>("--results") { Description = "Where the JSON and SVG files go (default: bench/results in the repository)." };
        var command = new Command("chaos", "The chaos soak: faults, leader kills, an API server restart and deletions; asserts nothing is lost, leaked or duplicated.")
        {
            objects, duration, killEvery, latency, seed, repository, results,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var repo = parse.GetValue(repository)!.FullName;
            return RunAsync(new Settings(parse.GetValue(objects), SimulatorCommand.Duration(parse.GetValue(duration)!), SimulatorCommand.Duration(parse.GetValue(killEvery)!),
                SimulatorCommand.Duration(parse.GetValue(latency)!), parse.GetValue(seed), repo, parse.GetValue(results)?.FullName ?? Path.Combine(repo, "bench", "results")), cancellationToken);
        });
        return command;
    }

    internal sealed record Settings(int Objects, TimeSpan Duration, TimeSpan KillEvery, TimeSpan Latency, int Seed, string Repository, string Results);

    private static void Say(Stopwatch clock, string message) => Console.WriteLine($"[chaos {clock.Elapsed.TotalSeconds,6:F1} s] {message}");

    public static async Task<int> RunAsync(Settings s, CancellationToken cancellationToken)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var work = Path.Combine(Path.GetTempPath(), $"cloudtemple-chaos-{Environment.ProcessId}");
        var clock = new Stopwatch();
        var random = new Random(s.Seed);
        var workload = Workload.Objects(s.Objects);
        var chaosEnds = s.Duration * 0.75;
        var restartAt = s.Duration * 0.35;
        var deleteAt = s.Duration * 0.5;
        var settleDeadline = s.Duration + TimeSpan.FromMinutes(5);
        string[] faults =
        [
            "--duration", $"all={s.Latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms", "--duration", "waiting=200ms",
            "--seed", s.Seed.ToString(CultureInfo.InvariantCulture), "--fault-5xx", "0.2", "--fault-429-burst", "3s", "--fault-429-burst-every", "30s",
            "--fault-latency", "300ms", "--fault-stuck", "0.1", "--fault-stuck-for", "15s", "--fault-transient", "0.1", "--fault-activity-404", "1",
        ];
        Console.WriteLine($"[chaos] {s.Objects} objects, {s.Duration.TotalSeconds:F0} s: leader SIGKILLed every ~{s.KillEvery.TotalSeconds:F0} s until {chaosEnds.TotalSeconds:F0} s, " +
            $"API server restarted at {restartAt.TotalSeconds:F0} s, half the objects deleted at {deleteAt.TotalSeconds:F0} s; platform faults: {string.Join(' ', faults)}");
        await using var stack = await Stack.StartAsync(s.Repository, work, Workload.Units(s.Objects), faults, cancellationToken).ConfigureAwait(false);
        var seeded = ResourceIds(await Measures.PlatformStateAsync(stack.Platform.Url).ConfigureAwait(false)).Select(r => r.Id).ToHashSet();
        var replicas = new List<OperatorReplica>();
        var generation = 0;
        string[] operatorArguments = ["--parallelism", "8", "--resync-period", "1m", "--leader-elect", "true"];
        OperatorReplica StartReplica() => stack.StartOperator($"replica-{++generation}", operatorArguments, webhook: false);
        replicas.Add(StartReplica());
        replicas.Add(StartReplica());

        var report = new Report($"cloudtemple-bench chaos, {stamp} UTC: {s.Objects} objects, {s.Duration.TotalSeconds:F0} s, seed {s.Seed}");
        await using var tracker = new ReadyTracker(stack.Client, Stack.Namespace, clock);
        var violations = new List<string>();
        var kills = 0;
        var crashes = new List<string>();
        var samples = 0;
        clock.Start();
        Say(clock, $"applying {s.Objects} objects");
        await Workload.CreateAsync(stack.Client, Stack.Namespace, workload, 16, cancellationToken).ConfigureAwait(false);

        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                if (await SampleAsync(stack, tracker, violations).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref samples);
                }

                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stopSampling.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, CancellationToken.None);

        var restarted = false;
        var deleted = false;
        var deletedKeys = new HashSet<string>();
        OperatorReplica? leader = null;
        var leaderSince = TimeSpan.Zero;
        var leadFor = Jitter(s.KillEvery, random);
        while (clock.Elapsed < chaosEnds)
        {
            if (!restarted && clock.Elapsed >= restartAt)
            {
                Say(clock, "restarting the API server (SIGKILL, then start on the same port and etcd)");
                await stack.ControlPlane.StopApiServerAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                await stack.ControlPlane.StartApiServerAsync(cancellationToken).ConfigureAwait(false);
                Say(clock, "the API server is back");
                restarted = true;
            }

            if (!deleted && clock.Elapsed >= deleteAt)
            {
                // Whole units (a Cpool with everything on it), so nothing is left waiting for a deleted Cpool.
                List<WorkloadObject> doomed = [.. workload.Select((o, i) => (o, i)).Where(x => (x.i / Kind.All.Count) % 2 == 1).Select(x => x.o)];
                Say(clock, $"deleting {doomed.Count} of {workload.Count} objects (every other unit)");
                await DeleteAsync(stack, doomed, cancellationToken).ConfigureAwait(false);
                deletedKeys.UnionWith(doomed.Select(o => o.Key));
                deleted = true;
            }

            foreach (var exited in replicas.Where(r => r.Process.HasExited).ToList())
            {
                // As the kubelet would restart a crashed container; the crash itself is a failure of the soak.
                crashes.Add($"{exited.Name} exited with {exited.Process.ExitCode} at {clock.Elapsed.TotalSeconds:F0} s");
                Say(clock, $"{exited.Name} EXITED by itself (code {exited.Process.ExitCode}); starting a replacement");
                replicas.Remove(exited);
                await exited.DisposeAsync().ConfigureAwait(false);
                replicas.Add(StartReplica());
            }

            var current = await LeaderAsync(replicas, cancellationToken).ConfigureAwait(false);
            if (current != leader)
            {
                leader = current;
                leaderSince = clock.Elapsed;
                leadFor = Jitter(s.KillEvery, random);
                if (current is not null)
                {
                    Say(clock, $"{current.Name} leads; {tracker.Ready}/{tracker.Count} Ready");
                }
            }

            if (leader is not null && clock.Elapsed - leaderSince >= leadFor)
            {
                Say(clock, $"SIGKILL {leader.Name} (the leader); starting a replacement");
                await leader.KillAsync().ConfigureAwait(false);
                replicas.Remove(leader);
                await leader.DisposeAsync().ConfigureAwait(false);
                replicas.Add(StartReplica());
                kills++;
                leader = null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        }

        if (!restarted || !deleted)
        {
            throw new InvalidOperationException("The chaos phase ended before the API server restart or the deletions: --duration is too short.");
        }

        var remaining = workload.Where(o => !deletedKeys.Contains(o.Key)).ToList();
        Say(clock, $"chaos over ({kills} leader kills); waiting up to {settleDeadline.TotalSeconds:F0} s for {remaining.Count} objects Ready and {deletedKeys.Count} gone");
        var remainingKeys = remaining.Select(o => o.Key).ToHashSet();
        var settled = await tracker.WaitAsync(t =>
        {
            var objects = t.Objects;
            return objects.Count == remaining.Count && objects.All(o => remainingKeys.Contains($"{o.Kind}/{o.Name}") && o.Ready);
        }, settleDeadline - clock.Elapsed, cancellationToken).ConfigureAwait(false);
        Say(clock, settled ? "settled" : "NOT settled by the deadline");

        // The platform may still be deleting what the last finalizers waited for: let that end too.
        JsonNode state = await Measures.PlatformStateAsync(stack.Platform.Url).ConfigureAwait(false);
        await stopSampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);

        // Figures and assertions, from a fresh list rather than the tracker.
        var listed = new List<ObjectState>();
        foreach (var kind in Kind.All)
        {
            var list = await stack.Client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(ApiGroup.Name, ApiGroup.Version, Stack.Namespace, kind.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
            listed.AddRange(list["items"]!.AsArray().Select(i => ObjectState.From(kind.Name, i!)));
        }

        var resources = ResourceIds(state).Where(r => !seeded.Contains(r.Id)).ToList();
        var expected = listed.Where(o => o.ExternalId is not null).ToDictionary(o => o.ExternalId!, o => o);
        var names = remaining.Select(o => $"{o.Kind.Name}/{NameKey(o)}").ToHashSet();
        var strangers = resources.Where(r => !expected.ContainsKey(r.Id)).ToList();
        var duplicated = strangers.Count(r => names.Contains($"{r.Kind}/{r.Name}"));
        var leaked = strangers.Count - duplicated;
        var missing = listed.Count(o => o.ExternalId is null || resources.All(r => r.Id != o.ExternalId));
        var stuck = listed.Count(o => o.Deleting);
        var notReady = listed.Count(o => !o.Ready);
        var survivors = listed.Count(o => deletedKeys.Contains($"{o.Kind}/{o.Name}"));

        report.Add(new Figure("chaos", "remaining objects Ready", listed.Count(o => o.Ready), $"of {remaining.Count}", $"{remaining.Count}", notReady == 0 && listed.Count == remaining.Count,
            notReady == 0 ? null : string.Join("; ", listed.Where(o => !o.Ready).Take(10).Select(o => $"{o.Kind}/{o.Name} Ready {o.Why}"))));
        report.Add(new Figure("chaos", "platform resources leaked", leaked, "", "0", leaked == 0, Describe(strangers.Where(r => !names.Contains($"{r.Kind}/{r.Name}")))));
        report.Add(new Figure("chaos", "platform resources duplicated", duplicated, "", "0", duplicated == 0, Describe(strangers.Where(r => names.Contains($"{r.Kind}/{r.Name}")))));
        report.Add(new Figure("chaos", "objects without their platform resource", missing, "", "0", missing == 0));
        report.Add(new Figure("chaos", "finalizers stuck (deleted objects still present)", stuck + survivors, "", "0", stuck + survivors == 0));
        report.Add(new Figure("chaos", "Ready while the platform disagreed", violations.Count, $"in {samples} samples", "0", violations.Count == 0,
            violations.Count == 0 ? null : string.Join("; ", violations.Take(5))));
        crashes.AddRange(replicas.Where(r => r.Process.HasExited).Select(r => $"{r.Name} exited with {r.Process.ExitCode} while settling"));
        report.Add(new Figure("chaos", "replicas that exited by themselves", crashes.Count, "", "0", crashes.Count == 0, crashes.Count == 0 ? null : string.Join("; ", crashes)));
        report.Add(new Figure("chaos", "leader kills (SIGKILL)", kills, ""));
        report.Add(new Figure("chaos", "API server restarts", 1, ""));
        report.Add(new Figure("chaos", "time to settle", clock.Elapsed.TotalSeconds, "s"));
        report.Detail("parameters", new JsonObject
        {
            ["objects"] = s.Objects, ["durationSeconds"] = s.Duration.TotalSeconds, ["killEverySeconds"] = s.KillEvery.TotalSeconds,
            ["seed"] = s.Seed, ["simulator"] = new JsonArray([.. faults.Select(f => (JsonNode)f)]),
        });
        report.Detail("violations", new JsonArray([.. violations.Select(v => (JsonNode)v)]));
        report.Detail("series", new JsonArray([.. tracker.Series.Select(p => (JsonNode)new JsonArray(Math.Round(p.Seconds, 3), p.Ready))]));
        report.Print(Console.Out);
        var json = report.WriteJson(Path.Combine(s.Results, $"chaos-{stamp}.json"));
        Report.WriteSvg(Path.Combine(s.Results, $"chaos-{stamp}.svg"), $"chaos: {s.Objects} objects, {kills} leader kills, 1 API server restart, half deleted", tracker.Series, s.Objects);
        Console.WriteLine($"[chaos] written {Path.GetRelativePath(s.Repository, json)} and the SVG beside it; logs in {work}");

        foreach (var replica in replicas)
        {
            await replica.Process.TerminateAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await replica.DisposeAsync().ConfigureAwait(false);
        }

        var failed = report.Figures.Where(f => f.Met == false).ToList();
        Console.WriteLine(failed.Count == 0 ? "[chaos] every assertion holds" : $"[chaos] FAILED: {string.Join(", ", failed.Select(f => f.Name))}");
        return failed.Count == 0 ? 0 : 1;
    }

    private static TimeSpan Jitter(TimeSpan period, Random random) => period * (0.8 + (0.4 * random.NextDouble()));

    private static string NameKey(WorkloadObject o) => o.Kind == Kind.VmReplication ? (string)o.Body["spec"]!["virtualMachine"]! : o.Name;

    private static string? Describe(IEnumerable<(string Kind, string Id, string Name, string State)> resources)
    {
        var list = resources.Take(10).Select(r => $"{r.Kind} {r.Id} '{r.Name}' ({r.State})").ToList();
        return list.Count == 0 ? null : string.Join(", ", list);
    }

    /// <summary>The platform's resources of the six kinds: kind, id, the name an object is matched by, and state.</summary>
    private static IEnumerable<(string Kind, string Id, string Name, string State)> ResourceIds(JsonNode state)
    {
        foreach (var (collection, kind, name) in new[]
        {
            ("cpools", "Cpool", "name"), ("blockVolumes", "BlockVolume", "name"), ("vlans", "Vlan", "name"),
            ("backupPolicies", "BackupPolicy", "name"), ("vmReplications", "VmReplication", "virtualMachine"), ("hsmKeyProviders", "HsmKeyProvider", "name"),
        })
        {
            foreach (var item in state[collection]?.AsArray() ?? [])
            {
                yield return (kind, (string)item!["id"]!, (string?)item[name] ?? "?", item["state"]?.ToString() ?? item["phase"]?.ToString() ?? "?");
            }
        }
    }

    private static async Task DeleteAsync(Stack stack, IEnumerable<WorkloadObject> objects, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (o, ct) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await stack.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Name, ApiGroup.Version, Stack.Namespace, o.Kind.Plural, o.Name, cancellationToken: ct).ConfigureAwait(false);
                    return;
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return;
                }
                catch (Exception e) when (attempt < 60 && e is HttpRequestException or k8s.Autorest.HttpOperationException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);

    /// <summary>The replica whose metrics say it leads, if any.</summary>
    private static async Task<OperatorReplica?> LeaderAsync(IEnumerable<OperatorReplica> replicas, CancellationToken cancellationToken)
    {
        foreach (var replica in replicas)
        {
            var metrics = await Measures.ScrapeAsync(replica.MetricsUrl, cancellationToken).ConfigureAwait(false);
            if (Measures.Sum(metrics, "leader_election_master_status") >= 1)
            {
                return replica;
            }
        }

        return null;
    }

    /// <summary>
    /// One sample: every object the watch shows Ready (at its generation, not being deleted) must
    /// have its platform resource, in a settled state. A disagreement is confirmed by reading the
    /// object again, so that a deletion or a change that raced the sample is not counted.
    /// </summary>
    private static async Task<bool> SampleAsync(Stack stack, ReadyTracker tracker, List<string> violations)
    {
        try
        {
            var ready = tracker.Objects.Where(o => o.Ready && !o.Deleting).ToList();
            var state = await Measures.PlatformStateAsync(stack.Platform.Url).ConfigureAwait(false);
            var platform = ResourceIds(state).ToDictionary(r => r.Id);
            foreach (var o in ready)
            {
                var problem = o.ExternalId is null ? "no externalId"
                    : !platform.TryGetValue(o.ExternalId, out var r) ? $"platform resource {o.ExternalId} absent"
                    : r.State is "Ready" or "Active" ? null
                    : $"platform resource {o.ExternalId} is {r.State}";
                if (problem is null)
                {
                    continue;
                }

                var kind = Kind.All.First(k => k.Name == o.Kind);
                var again = ObjectState.From(o.Kind, (await stack.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(
                    ApiGroup.Name, ApiGroup.Version, Stack.Namespace, kind.Plural, o.Name).ConfigureAwait(false))!);
                if (again.Ready && !again.Deleting && again.Generation == o.Generation)
                {
                    lock (violations)
                    {
                        violations.Add($"{o.Kind}/{o.Name} Ready but {problem}");
                    }
                }
            }

            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or k8s.Autorest.HttpOperationException or System.Text.Json.JsonException)
        {
            return false; // The API server is restarting, or the object is gone: no sample.
        }
    }
}

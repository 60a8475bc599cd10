using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class InformerTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);
    private static readonly InformerOptions s_fast = new()
    {
        BaseReconnectDelay = TimeSpan.FromMilliseconds(1),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(5),
        MaxRestartDelay = TimeSpan.FromMilliseconds(5),
    };

    [Fact]
    public async Task ItLists_ThenWatchesFromTheListsResourceVersion_AndReportsEveryObject()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Vlan("a", "1"), Vlan("b", "2")], "10"));
        var (informer, events, run) = Start(source);

        var watch = await source.NextWatch();

        Assert.Equal("10", watch.ResourceVersion);
        Assert.True(informer.HasSynced);
        Assert.Null(informer.NotSyncedReason);
        Assert.Equal(["a", "b"], events.Select(e => e.Object.Metadata.Name).Order());
        await run.StopAsync();
    }

    [Fact]
    public async Task TheCache_KeepsNeitherManagedFieldsNorTheLastAppliedAnnotation_ButEveryOtherAnnotation()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Applied("listed", "1")], "10"));
        var (informer, events, run) = Start(source);
        var watch = await source.NextWatch();
        await watch.Send(WatchEventType.Added, Applied("watched", "11"));
        await Eventually(() => informer.Cache.Count == 2);

        foreach (var cached in informer.Cache.Values)
        {
            Assert.Null(cached.Metadata.ManagedFields);
            Assert.Equal(new Dictionary<string, string> { ["iaas.cloud-temple.com/paused"] = "false" }, cached.Metadata.Annotations);
        }

        await run.StopAsync();
    }

    [Fact]
    public async Task WhenAWatchEnds_ItWatchesAgainFromTheLastResourceVersionSeen_BookmarksIncluded()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([], "10"));
        var (_, events, run) = Start(source);

        var first = await source.NextWatch();
        await first.Send(WatchEventType.Added, Vlan("a", "11"));
        await first.Send(WatchEventType.Bookmark, new JsonObject { ["kind"] = "Vlan", ["metadata"] = new JsonObject { ["resourceVersion"] = "15" } });
        first.End();

        var second = await source.NextWatch();
        Assert.Equal("15", second.ResourceVersion);
        Assert.Equal(1, source.ListCount);
        Assert.Single(events);
        await run.StopAsync();
    }

    [Fact]
    public async Task A410Gone_LeadsToAReList_ThatReportsWhatChangedAndWhatWasDeletedMeanwhile()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Vlan("kept", "1"), Vlan("changed", "2"), Vlan("deleted", "3")], "10"));
        source.Lists.Enqueue(([Vlan("kept", "1"), Vlan("changed", "12"), Vlan("new", "13")], "20"));
        var (informer, events, run) = Start(source);
        var watch = await source.NextWatch();
        events.Clear();

        watch.Expire();

        var after = await source.NextWatch();
        Assert.Equal("20", after.ResourceVersion);
        Assert.Equal(2, source.ListCount);
        Assert.Equal(
            ["Added new", "Deleted deleted", "Modified changed"],
            events.Select(e => $"{e.Type} {e.Object.Metadata.Name}").Order());
        Assert.Equal(["changed", "kept", "new"], informer.Cache.Keys.Select(k => k.Name).Order());
        await run.StopAsync();
    }

    [Fact]
    public async Task AListInPages_ReportsEachPageBeforeAskingForTheNext_AndDeletesOnlyAfterTheLastPage()
    {
        var source = new ScriptedSource();
        source.PagedLists.Enqueue([([Vlan("a", "1"), Vlan("gone", "2")], "10")]);
        source.PagedLists.Enqueue([([Vlan("a", "1"), Vlan("b", "12")], "20"), ([Vlan("c", "13")], "20"), ([], "20")]);
        var pageWhenSeen = new Dictionary<string, int>();
        var run = StartObserved(source, e => pageWhenSeen[$"{e.Type} {e.Object.Metadata.Name}"] = source.PagesRead);
        var watch = await source.NextWatch();
        Assert.Equal("10", watch.ResourceVersion);
        pageWhenSeen.Clear();

        watch.Expire();

        var after = await source.NextWatch();
        Assert.Equal("20", after.ResourceVersion);
        // Page 1 was the first list; the re-list is pages 2 to 4, the last one empty.
        Assert.Equal(
            new Dictionary<string, int> { ["Added b"] = 2, ["Added c"] = 3, ["Deleted gone"] = 4 },
            pageWhenSeen);
        Assert.Equal(["a", "b", "c"], run.Informer.Cache.Keys.Select(k => k.Name).Order());
        await run.StopAsync();
    }

    [Fact]
    public async Task AFailingWatch_IsRetried_FromTheSameResourceVersion_WithoutAReList()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([], "10"));
        var (_, _, run) = Start(source);

        (await source.NextWatch()).Fail(new HttpRequestException("connection refused"));
        (await source.NextWatch()).Fail(new HttpRequestException("connection refused"));
        var third = await source.NextWatch();

        Assert.Equal("10", third.ResourceVersion);
        Assert.Equal(1, source.ListCount);
        await run.StopAsync();
    }

    [Fact]
    public async Task ADeleteIsReported_WithTheLastCachedCopy_AndLeavesTheCache()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Vlan("a", "1")], "10"));
        var (informer, events, run) = Start(source);
        var watch = await source.NextWatch();

        await watch.Send(WatchEventType.Deleted, Vlan("a", "11"));
        await Eventually(() => informer.Cache.Count == 0);

        var deleted = events.Last();
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        Assert.Equal("1", deleted.Old!.Metadata.ResourceVersion);
        await run.StopAsync();
    }

    [Fact]
    public async Task AnUndecodableItemInTheList_IsSkippedAndReported_WhileTheOthersAreCached_AndTheInformerSyncs()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Vlan("a", "1"), Poisoned("victim", "2"), Vlan("c", "3")], "10"));
        var run = StartObserved(source);

        await source.NextWatch();

        Assert.True(run.Informer.HasSynced);
        Assert.Equal(["a", "c"], run.Informer.Cache.Keys.Select(k => k.Name).Order());
        Assert.Equal(["a", "c"], run.Events.Select(e => e.Object.Metadata.Name).Order());
        var skipped = Assert.Single(run.Skipped);
        Assert.Equal("$.status.billing[0].quantity", skipped.Path);
        Assert.Equal(("Vlan", "ns", "victim", "uid-victim", "2", "iaas.cloud-temple.com/v1alpha1"),
            (skipped.Reference.Kind, skipped.Reference.NamespaceProperty, skipped.Reference.Name, skipped.Reference.Uid, skipped.Reference.ResourceVersion, skipped.Reference.ApiVersion));
        Assert.Equal(1, run.Metrics.DecodeFailures);
        var warning = Assert.Single(run.Log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("Vlan ns/victim", warning.Message, StringComparison.Ordinal);
        Assert.Contains("$.status.billing[0].quantity", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-log-me", warning.Message, StringComparison.Ordinal);
        await run.StopAsync();
    }

    [Fact]
    public async Task AnObjectThatBecomesUndecodable_LeavesTheCacheAsADelete_TheWatchGoesOn_AndItComesBackOnceItCanBeRead()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Vlan("victim", "1"), Vlan("other", "2")], "10"));
        var run = StartObserved(source);
        var watch = await source.NextWatch();
        run.Events.Clear();

        await watch.Send(WatchEventType.Modified, Poisoned("victim", "11"));
        await watch.Send(WatchEventType.Modified, Vlan("other", "12"));
        await Eventually(() => run.Events.Count == 2);

        Assert.Equal(["Deleted victim", "Modified other"], run.Events.Select(e => $"{e.Type} {e.Object.Metadata.Name}"));
        Assert.Equal(["other"], run.Informer.Cache.Keys.Select(k => k.Name));
        Assert.Equal("11", run.Informer.Skipped[new ObjectKey("ns", "victim")]);
        Assert.Single(run.Skipped);

        await watch.Send(WatchEventType.Modified, Vlan("victim", "13"));
        await Eventually(() => run.Informer.Cache.ContainsKey(new ObjectKey("ns", "victim")));

        Assert.Equal(WatchEventType.Added, run.Events.Last().Type);
        Assert.Empty(run.Informer.Skipped);
        Assert.Equal(1, source.ListCount);
        Assert.Equal(0, run.Metrics.Restarts);
        Assert.Contains(run.Log.Entries, e => e.Message.Contains("Vlan ns/victim can be read again", StringComparison.Ordinal));
        await run.StopAsync();
    }

    [Fact]
    public async Task ASkippedObject_IsReportedOncePerVersion_NotAtEveryList_AndForgottenOnceDeleted()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Poisoned("victim", "2")], "10"));
        source.Lists.Enqueue(([Poisoned("victim", "2")], "20"));
        source.Lists.Enqueue(([], "30"));
        var run = StartObserved(source);

        (await source.NextWatch()).Expire();
        var second = await source.NextWatch();
        Assert.Equal("20", second.ResourceVersion);
        Assert.Single(run.Skipped);
        Assert.Single(run.Informer.Skipped);

        second.Expire();
        Assert.Equal("30", (await source.NextWatch()).ResourceVersion);

        Assert.Single(run.Skipped);
        Assert.Empty(run.Informer.Skipped);
        Assert.Empty(run.Events);
        await run.StopAsync();
    }

    [Fact]
    public async Task AnUnexpectedFailure_IsLogged_AndTheInformerStartsAgainFromAList_InsteadOfDying()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Vlan("a", "1")], "10"));
        source.Lists.Enqueue(([Vlan("a", "1"), Vlan("b", "2")], "20"));
        var throwOnce = 1;
        var run = StartObserved(source, e =>
        {
            if (e.Object.Metadata.Name == "b" && Interlocked.Exchange(ref throwOnce, 0) == 1)
            {
                throw new InvalidOperationException("a bug in a handler");
            }
        });
        var watch = await source.NextWatch();

        await watch.Send(WatchEventType.Added, Vlan("b", "2"));

        var again = await source.NextWatch();
        Assert.Equal("20", again.ResourceVersion);
        Assert.Equal(2, source.ListCount);
        Assert.Equal(1, run.Metrics.Restarts);
        var error = Assert.Single(run.Log.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(error.Exception);
        Assert.Contains("Vlan in namespace ns", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], run.Informer.Cache.Keys.Select(k => k.Name).Order());
        Assert.False(run.Task.IsCompleted);
        await run.StopAsync();
    }

    [Fact]
    public async Task AListThatKeepsFailing_IsRetriedWithABackoffDoublingToItsCap_AndReadinessSaysWhy()
    {
        var time = new FakeTimeProvider();
        var source = new ScriptedSource { ListFailure = new InvalidOperationException("the list cannot be read") };
        var options = new InformerOptions { BaseReconnectDelay = TimeSpan.FromSeconds(1), MaxRestartDelay = TimeSpan.FromSeconds(60) };
        var run = StartObserved(source, options: options, time: time);

        // Time moves only when the test moves it: each step ends whatever delay the informer waits on.
        await Eventually(() =>
        {
            if (run.Log.Entries.Count(e => e.Level == LogLevel.Error) >= 9)
            {
                return true;
            }

            time.Advance(TimeSpan.FromMinutes(2));
            return false;
        });

        var delays = run.Log.Entries.Where(e => e.Level == LogLevel.Error).Select(e => (double)e.State["DelaySeconds"]!).ToList();

        Assert.InRange(delays[0], 0.8, 1.2);
        Assert.InRange(delays[1], 1.6, 2.4);
        Assert.InRange(delays[2], 3.2, 4.8);
        Assert.All(delays.Skip(6), d => Assert.InRange(d, 48, 72));
        Assert.False(run.Informer.HasSynced);
        Assert.Equal("Vlan in namespace ns: not listed yet (last failure: InvalidOperationException: the list cannot be read)", run.Informer.NotSyncedReason);
        await run.StopAsync();
    }

    private static (Informer<Vlan> Informer, List<InformerEvent<Vlan>> Events, Running Run) Start(ScriptedSource source)
    {
        var run = StartObserved(source);
        return (run.Informer, run.Events, run);
    }

    private static Running StartObserved(ScriptedSource source, Action<InformerEvent<Vlan>>? onEvent = null, InformerOptions? options = null, TimeProvider? time = null)
    {
        var events = new List<InformerEvent<Vlan>>();
        var skipped = new List<UndecodableObject>();
        var log = new RecordingLogger();
        var metrics = new CountingMetrics();
        var informer = new Informer<Vlan>(source, e =>
        {
            onEvent?.Invoke(e);
            lock (events)
            {
                events.Add(e);
            }
        }, log, options ?? s_fast, time, metrics, skipped.Add);
        var stop = new CancellationTokenSource();
        return new Running(informer, events, skipped, log, metrics, informer.RunAsync(stop.Token), stop);
    }

    private static JsonObject Vlan(string name, string resourceVersion) => JsonNode.Parse(KubernetesJson.Serialize(new Vlan
    {
        ApiVersion = "iaas.cloud-temple.com/v1alpha1",
        Kind = "Vlan",
        Metadata = new() { Name = name, NamespaceProperty = "ns", ResourceVersion = resourceVersion, Uid = $"uid-{name}" },
    }))!.AsObject();

    // An object as `kubectl apply` leaves it: managedFields, the last-applied annotation, and one other annotation.
    private static JsonObject Applied(string name, string resourceVersion)
    {
        var json = Vlan(name, resourceVersion);
        json["metadata"]!["annotations"] = new JsonObject { [CachedShape.LastAppliedAnnotation] = "{\"spec\":{}}", ["iaas.cloud-temple.com/paused"] = "false" };
        json["metadata"]!["managedFields"] = JsonNode.Parse("""[{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "iaas.cloud-temple.com/v1alpha1", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}}]""");
        return json;
    }

    // A value the CRD schema accepts (any number) that decimal cannot hold, and a marker that must never be logged.
    private static JsonObject Poisoned(string name, string resourceVersion)
    {
        var json = Vlan(name, resourceVersion);
        json["metadata"]!["annotations"] = new JsonObject { ["note"] = "do-not-log-me" };
        json["status"] = JsonNode.Parse("""{"billing": [{"sku": "x", "quantity": 1e29, "unit": "host"}]}""");
        return json;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(s_deadline);
        while (!condition())
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    private sealed record Running(
        Informer<Vlan> Informer, List<InformerEvent<Vlan>> Events, List<UndecodableObject> Skipped, RecordingLogger Log, CountingMetrics Metrics,
        Task Task, CancellationTokenSource Stop)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync();
            await Task.WaitAsync(s_deadline);
            Stop.Dispose();
        }
    }

    /// <summary>A list-watch source driven by the test: lists come from a queue, each watch is a channel the test writes to.</summary>
    private sealed class ScriptedSource : IListWatcher<Vlan>
    {
        private readonly Channel<ScriptedWatch> _watches = Channel.CreateUnbounded<ScriptedWatch>();

        public string? Namespace => "ns";

        public Queue<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> Lists { get; } = new();

        /// <summary>When set, every list fails with it.</summary>
        public Exception? ListFailure { get; init; }

        public int ListCount { get; private set; }

        /// <summary>Lists in pages; when there are any, they are used instead of <see cref="Lists"/>.</summary>
        public Queue<(IReadOnlyList<JsonObject> Items, string ResourceVersion)[]> PagedLists { get; } = new();

        /// <summary>Pages handed out so far, over every list.</summary>
        public int PagesRead { get; private set; }

        public async IAsyncEnumerable<(IReadOnlyList<JsonObject> Items, string ResourceVersion)> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            ListCount++;
            if (ListFailure is { } failure)
            {
                throw failure;
            }

            var pages = PagedLists.Count > 0 ? PagedLists.Dequeue() : [Lists.Dequeue()];
            foreach (var page in pages)
            {
                await Task.Yield();
                PagesRead++;
                yield return page;
            }
        }

        public async IAsyncEnumerable<(WatchEventType Type, JsonObject Object)> WatchAsync(
            string resourceVersion, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var watch = new ScriptedWatch(resourceVersion);
            await _watches.Writer.WriteAsync(watch, cancellationToken);
            await foreach (var item in watch.Events.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }

        public async Task<ScriptedWatch> NextWatch() => await _watches.Reader.ReadAsync().AsTask().WaitAsync(s_deadline);
    }

    private sealed class ScriptedWatch(string resourceVersion)
    {
        public string ResourceVersion { get; } = resourceVersion;

        public Channel<(WatchEventType, JsonObject)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, JsonObject)>();

        public ValueTask Send(WatchEventType type, JsonObject json) => Events.Writer.WriteAsync((type, json));

        public void End() => Events.Writer.Complete();

        public void Expire() => Events.Writer.Complete(new ResourceExpiredException("too old resource version"));

        public void Fail(Exception error) => Events.Writer.Complete(error);
    }

    private sealed class CountingMetrics : IInformerMetrics
    {
        private int _decodeFailures;
        private int _restarts;

        public int DecodeFailures => _decodeFailures;

        public int Restarts => _restarts;

        public void Listed()
        {
        }

        public void Expired()
        {
        }

        public void Reconnected()
        {
        }

        public void Event(WatchEventType type)
        {
        }

        public void DecodeFailed() => Interlocked.Increment(ref _decodeFailures);

        public void Restarted() => Interlocked.Increment(ref _restarts);
    }
}

/// <summary>Keeps every log entry: level, formatted message, exception and structured fields.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
        lock (_entries)
        {
            _entries.Add(new Entry(logLevel, formatter(state, exception), exception, fields.ToDictionary(f => f.Key, f => f.Value)));
        }
    }

    internal sealed record Entry(LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> State);
}

using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class InformerTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);
    private static readonly InformerOptions s_fast = new() { BaseReconnectDelay = TimeSpan.FromMilliseconds(1), MaxReconnectDelay = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task ItLists_ThenWatchesFromTheListsResourceVersion_AndReportsEveryObject()
    {
        var source = new ScriptedSource();
        source.Lists.Enqueue(([Vlan("a", "1"), Vlan("b", "2")], "10"));
        var (informer, events, run) = Start(source);

        var watch = await source.NextWatch();

        Assert.Equal("10", watch.ResourceVersion);
        Assert.True(informer.HasSynced);
        Assert.Equal(["a", "b"], events.Select(e => e.Object.Metadata.Name).Order());
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
        await first.Send(WatchEventType.Bookmark, Vlan(string.Empty, "15"));
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

    private static (Informer<Vlan> Informer, List<InformerEvent<Vlan>> Events, Running Run) Start(ScriptedSource source)
    {
        var events = new List<InformerEvent<Vlan>>();
        var informer = new Informer<Vlan>(source, e =>
        {
            lock (events)
            {
                events.Add(e);
            }
        }, NullLogger.Instance, s_fast);
        var stop = new CancellationTokenSource();
        return (informer, events, new Running(informer.RunAsync(stop.Token), stop));
    }

    private static Vlan Vlan(string name, string resourceVersion) => new()
    {
        Kind = "Vlan",
        Metadata = new() { Name = name, NamespaceProperty = "ns", ResourceVersion = resourceVersion },
    };

    private static async Task Eventually(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(s_deadline);
        while (!condition())
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    private sealed record Running(Task Task, CancellationTokenSource Stop)
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

        public Queue<(IReadOnlyList<Vlan> Items, string ResourceVersion)> Lists { get; } = new();

        public int ListCount { get; private set; }

        public Task<(IReadOnlyList<Vlan> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
        {
            ListCount++;
            return Task.FromResult(Lists.Dequeue());
        }

        public async IAsyncEnumerable<(WatchEventType Type, Vlan Object)> WatchAsync(
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

        public Channel<(WatchEventType, Vlan)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, Vlan)>();

        public ValueTask Send(WatchEventType type, Vlan vlan) => Events.Writer.WriteAsync((type, vlan));

        public void End() => Events.Writer.Complete();

        public void Expire() => Events.Writer.Complete(new ResourceExpiredException("too old resource version"));

        public void Fail(Exception error) => Events.Writer.Complete(error);
    }
}

using System.Collections.Concurrent;
using CloudTemple.Operator.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AKeyAddedTwiceWhileWaiting_IsHandedOutOnce()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ns/a");
        queue.Add("ns/a");
        queue.Add("ns/b");

        Assert.Equal(2, queue.Depth);
        Assert.Equal("ns/a", await Next(queue));
        Assert.Equal("ns/b", await Next(queue));
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task AKeyAddedWhileBeingProcessed_WaitsUntilDone_SoNoTwoWorkersShareIt()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ns/a");
        var key = await Next(queue);

        queue.Add("ns/a");
        Assert.Equal(0, queue.Depth);

        queue.Done(key);
        Assert.Equal(1, queue.Depth);
        Assert.Equal("ns/a", await Next(queue));
    }

    [Fact]
    public async Task HighPriorityKeys_AreHandedOutBeforeResyncs()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ns/resync-1", QueuePriority.Low);
        queue.Add("ns/resync-2", QueuePriority.Low);
        queue.Add("ns/user-change", QueuePriority.High);

        Assert.Equal("ns/user-change", await Next(queue));
        Assert.Equal("ns/resync-1", await Next(queue));
    }

    [Fact]
    public async Task AResyncKey_AddedAgainAsAUserChange_MovesToTheHighLane()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ns/a", QueuePriority.Low);
        queue.Add("ns/b", QueuePriority.Low);
        queue.Add("ns/b", QueuePriority.High);

        Assert.Equal(2, queue.Depth);
        Assert.Equal("ns/b", await Next(queue));
        Assert.Equal("ns/a", await Next(queue));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(8, 256)]
    [InlineData(9, 300)]
    [InlineData(10_000, 300)]
    public void Backoff_DoublesFromOneSecond_AndStopsGrowingAtFiveMinutes(int earlierFailures, int seconds)
    {
        using var queue = new WorkQueue<string>();
        Assert.Equal(TimeSpan.FromSeconds(seconds), queue.Backoff(earlierFailures));
    }

    [Fact]
    public async Task AFailedKey_ComesBackAfterItsBackoff()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time: time);

        queue.AddRateLimited("ns/a");
        Assert.Equal(0, queue.Depth);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ns/a", await Next(queue));
        Assert.Equal(1, queue.Failures("ns/a"));
    }

    [Fact]
    public async Task AKeyThatAlwaysFails_IsNeverDropped()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time: time);

        for (var attempt = 1; attempt <= 30; attempt++)
        {
            queue.AddRateLimited("ns/a");
            time.Advance(TimeSpan.FromMinutes(5));
            var key = await Next(queue);
            queue.Done(key);
        }

        Assert.Equal(30, queue.Failures("ns/a"));
    }

    [Fact]
    public void Forget_ResetsTheBackoffToTheBaseDelay()
    {
        using var queue = new WorkQueue<string>(time: new FakeTimeProvider());
        queue.AddRateLimited("ns/a");
        queue.AddRateLimited("ns/a");
        Assert.Equal(2, queue.Failures("ns/a"));

        queue.Forget("ns/a");

        Assert.Equal(0, queue.Failures("ns/a"));
    }

    [Fact]
    public async Task AddAfter_AddsTheKeyWhenTheDelayHasPassed()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time: time);

        queue.AddAfter("ns/a", TimeSpan.FromMinutes(10));
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, queue.Depth);

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("ns/a", await Next(queue));
    }

    [Fact]
    public async Task ShutDown_ReleasesWorkersWaitingForAKey()
    {
        using var queue = new WorkQueue<string>();
        var waiting = queue.GetAsync();

        queue.ShutDown();

        var (ok, _) = await waiting.WaitAsync(s_deadline);
        Assert.False(ok);
    }

    [Fact]
    public async Task ManyWorkers_NeverProcessOneKeyAtTheSameTime_AndProcessEveryKey()
    {
        using var queue = new WorkQueue<string>();
        var busy = new ConcurrentDictionary<string, int>();
        var processed = new ConcurrentDictionary<string, int>();
        var overlaps = 0;
        var keys = Enumerable.Range(0, 20).Select(i => $"ns/k{i}").ToArray();

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (ok, key) = await queue.GetAsync();
                if (!ok)
                {
                    return;
                }

                if (busy.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                await Task.Yield();
                processed.AddOrUpdate(key, 1, (_, n) => n + 1);
                busy.AddOrUpdate(key, 0, (_, n) => n - 1);
                queue.Done(key);
            }
        })).ToArray();

        for (var round = 0; round < 200; round++)
        {
            foreach (var key in keys)
            {
                queue.Add(key);
            }
        }

        await WaitUntil(() => queue.Depth == 0 && busy.Values.All(n => n == 0) && processed.Count == keys.Length);
        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(s_deadline);

        Assert.Equal(0, overlaps);
        Assert.Equal(keys.Order(), processed.Keys.Order());
    }

    private static async Task<string> Next(WorkQueue<string> queue)
    {
        var (ok, key) = await queue.GetAsync().WaitAsync(s_deadline);
        Assert.True(ok);
        return key;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(s_deadline);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}

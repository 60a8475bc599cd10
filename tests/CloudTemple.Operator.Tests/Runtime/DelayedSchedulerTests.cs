using CloudTemple.Operator.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class DelayedSchedulerTests : IDisposable
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly WorkQueue<string> _queue;
    private readonly DelayedScheduler<string> _scheduler;

    public DelayedSchedulerTests()
    {
        _queue = new WorkQueue<string>(time: _time);
        _scheduler = new DelayedScheduler<string>(_queue, _time);
    }

    [Fact]
    public void AKeyScheduledManyTimes_HasOnePendingResync_DueAtTheLatestSchedule()
    {
        for (var i = 0; i < 100; i++)
        {
            _scheduler.Schedule("ns/a", TimeSpan.FromMinutes(10), QueuePriority.Low);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1, _scheduler.Count);
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(2));
        _scheduler.Pump();
        Assert.Equal(0, _queue.Depth);

        _time.Advance(TimeSpan.FromSeconds(1));
        _scheduler.Pump();
        Assert.Equal(1, _queue.Depth);
        Assert.Equal(0, _scheduler.Count);
    }

    [Fact]
    public void AnEarlierSchedule_WakesTheScheduler_AndIsAddedFirst()
    {
        _scheduler.Schedule("ns/late", TimeSpan.FromHours(1), QueuePriority.Low);
        var (wait, wake) = _scheduler.Pump();
        Assert.Equal(TimeSpan.FromHours(1), wait);

        _scheduler.Schedule("ns/soon", TimeSpan.FromSeconds(5), QueuePriority.High);

        Assert.True(wake.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5));
        _scheduler.Pump();
        Assert.Equal(1, _queue.Depth);
        Assert.Equal(1, _scheduler.Count);
    }

    [Fact]
    public void ACancelledKey_IsNotAdded()
    {
        _scheduler.Schedule("ns/deleted", TimeSpan.FromSeconds(1), QueuePriority.Low);
        _scheduler.Schedule("ns/kept", TimeSpan.FromSeconds(2), QueuePriority.Low);

        _scheduler.Cancel("ns/deleted");
        _time.Advance(TimeSpan.FromSeconds(2));
        _scheduler.Pump();

        Assert.Equal(1, _queue.Depth);
        Assert.Equal(0, _scheduler.Count);
    }

    [Fact]
    public async Task RunAsync_AddsKeysWhenTheyFallDue_OnTheRealClock()
    {
        using var queue = new WorkQueue<string>();
        var scheduler = new DelayedScheduler<string>(queue);
        using var stop = new CancellationTokenSource();
        var run = scheduler.RunAsync(stop.Token);

        scheduler.Schedule("ns/a", TimeSpan.FromMilliseconds(50), QueuePriority.Low);

        var (ok, key) = await queue.GetAsync().WaitAsync(s_deadline);
        Assert.True(ok);
        Assert.Equal("ns/a", key);
        await stop.CancelAsync();
        await run.WaitAsync(s_deadline);
    }

    public void Dispose() => _queue.Dispose();
}

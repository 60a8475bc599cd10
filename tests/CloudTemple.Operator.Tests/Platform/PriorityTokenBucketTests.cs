using CloudTemple.Operator.Platform.Http;
using Microsoft.Extensions.Time.Testing;

namespace CloudTemple.Operator.Tests.Platform;

/// <summary>
/// The product budget's token bucket: reads before changes before creates once the burst is spent,
/// oldest first within a priority, no token for a cancelled waiter, and N a second. Time is a
/// <see cref="FakeTimeProvider"/>: a token is due exactly when the clock is advanced to it.
/// </summary>
public sealed class PriorityTokenBucketTests
{
    private static readonly TimeSpan OneToken = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task WithTheBurstSpent_AReadQueuedAfterACreate_IsGrantedFirst()
    {
        var clock = new FakeTimeProvider();
        using var bucket = new PriorityTokenBucket(2, clock);
        await SpendBurstAsync(bucket, 2);

        var create = bucket.AcquireAsync(RequestPriority.Create, CancellationToken.None);
        var change = bucket.AcquireAsync(RequestPriority.Change, CancellationToken.None);
        var read = bucket.AcquireAsync(RequestPriority.Read, CancellationToken.None);
        Assert.Equal(3, bucket.Waiting);

        clock.Advance(OneToken);
        Assert.Equal((true, false, false), (read.IsCompletedSuccessfully, change.IsCompleted, create.IsCompleted));
        clock.Advance(OneToken);
        Assert.Equal((true, false), (change.IsCompletedSuccessfully, create.IsCompleted));
        clock.Advance(OneToken);
        Assert.True(create.IsCompletedSuccessfully);
        Assert.Equal(0, bucket.Waiting);
    }

    [Fact]
    public async Task WithinOnePriority_TheOldestIsGrantedFirst()
    {
        var clock = new FakeTimeProvider();
        using var bucket = new PriorityTokenBucket(2, clock);
        await SpendBurstAsync(bucket, 2);

        var waiters = Enumerable.Range(0, 3).Select(_ => bucket.AcquireAsync(RequestPriority.Change, CancellationToken.None)).ToList();

        for (var granted = 1; granted <= waiters.Count; granted++)
        {
            clock.Advance(OneToken);
            Assert.Equal(
                Enumerable.Range(0, waiters.Count).Select(i => i < granted),
                waiters.Select(w => w.IsCompletedSuccessfully));
        }
    }

    [Fact]
    public async Task ACancelledWaiter_TakesNoToken()
    {
        var clock = new FakeTimeProvider();
        using var bucket = new PriorityTokenBucket(2, clock);
        await SpendBurstAsync(bucket, 2);
        using var cancel = new CancellationTokenSource();

        var cancelled = bucket.AcquireAsync(RequestPriority.Read, cancel.Token);
        var next = bucket.AcquireAsync(RequestPriority.Create, CancellationToken.None);
        var last = bucket.AcquireAsync(RequestPriority.Create, CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        // The one token due goes to the next waiter, although the cancelled read came first and ranks higher.
        clock.Advance(OneToken);
        Assert.Equal((true, false), (next.IsCompletedSuccessfully, last.IsCompleted));
        clock.Advance(OneToken);
        Assert.True(last.IsCompletedSuccessfully);
        Assert.Equal(0, bucket.Waiting);
    }

    [Fact]
    public async Task TheRateHolds_FiveASecond_AfterABurstOfFive()
    {
        var clock = new FakeTimeProvider();
        using var bucket = new PriorityTokenBucket(5, clock);
        await SpendBurstAsync(bucket, 5);
        var waiters = Enumerable.Range(0, 10).Select(_ => bucket.AcquireAsync(RequestPriority.Read, CancellationToken.None)).ToList();

        clock.Advance(TimeSpan.FromMilliseconds(199));
        Assert.DoesNotContain(waiters, w => w.IsCompleted);

        // One token every 200 ms: ten waiters need two seconds, and no fewer.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        for (var step = 1; step <= 10; step++)
        {
            Assert.Equal(step, waiters.Count(w => w.IsCompletedSuccessfully));
            clock.Advance(TimeSpan.FromMilliseconds(200));
        }

        await Task.WhenAll(waiters);
    }

    // The burst is the rate: that many acquisitions are granted at once, and the next one waits.
    private static async Task SpendBurstAsync(PriorityTokenBucket bucket, int burst)
    {
        for (var i = 0; i < burst; i++)
        {
            var granted = bucket.AcquireAsync(RequestPriority.Create, CancellationToken.None);
            Assert.True(granted.IsCompletedSuccessfully);
            await granted;
        }
    }
}

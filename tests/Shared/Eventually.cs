using System.Diagnostics;

namespace CloudTemple.Operator.Testing;

/// <summary>Waits on a condition with a deadline, polling with a short backoff: never a fixed sleep.</summary>
internal static class Eventually
{
    /// <summary>
    /// Probes until <paramref name="done"/> holds for the probe's value, and returns that value;
    /// fails with the last value seen when <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}; last value: {value}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>Probes until <paramref name="condition"/> holds; fails when <paramref name="within"/> (default 10 s) passes.</summary>
    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan? within = null, string what = "the condition") =>
        UntilAsync(condition, held => held, within ?? TimeSpan.FromSeconds(10), what);
}

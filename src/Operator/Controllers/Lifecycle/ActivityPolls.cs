using System.Collections.Concurrent;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// When to look again at a platform operation in flight: <see cref="ReconcilerOptions.FirstPollInterval"/>,
/// then twice as long at each look at the same operation, up to <see cref="ReconcilerOptions.PollInterval"/>.
/// </summary>
public sealed class ActivityPolls(ReconcilerOptions options)
{
    // Looks so far at each activity in flight; forgotten once it ends.
    private readonly ConcurrentDictionary<string, int> _looks = new();

    /// <summary>The delay before the next look at <paramref name="activity"/>.</summary>
    public TimeSpan Next(string activity)
    {
        var looks = _looks.AddOrUpdate(activity, 0, (_, n) => n + 1);
        var delay = options.FirstPollInterval * Math.Pow(2, Math.Min(looks, 16));
        return delay < options.PollInterval ? delay : options.PollInterval;
    }

    /// <summary>The activity ended: its count is dropped.</summary>
    public void Forget(string activity) => _looks.TryRemove(activity, out _);
}

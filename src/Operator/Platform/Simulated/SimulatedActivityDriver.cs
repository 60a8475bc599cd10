using System.Text.Json;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>Activities of the simulated platform (the real API's <c>/api/activity/v1/activities</c>).</summary>
internal sealed class SimulatedActivityDriver(PlatformSession session) : IActivityDriver
{
    public Task<ActivityState> GetActivityAsync(string activityId, CancellationToken cancellationToken = default) =>
        session.GetActivityAsync(activityId, cancellationToken);

    public async Task<ActivityCompleted> WaitAsync(string activityId, CancellationToken cancellationToken = default)
    {
        var options = session.Options;
        var delay = options.PollInitialDelay;
        var failures = 0;
        while (true)
        {
            try
            {
                var state = await session.GetActivityAsync(activityId, cancellationToken).ConfigureAwait(false);
                failures = 0;
                switch (state)
                {
                    case ActivityCompleted completed:
                        return completed;
                    case ActivityFailed failed:
                        throw new OperationFailedException(activityId, failed.Reason, failed.Transient);
                    default:
                        break;
                }
            }
            catch (PlatformUnavailableException) when (++failures < options.MaxConsecutivePollFailures)
            {
                // Tolerated: the next poll comes after the backoff.
            }

            await Task.Delay(delay, options.Clock, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.PollMaxDelay.Ticks));
        }
    }

    public async Task<IReadOnlyList<ActivityRecord>> GetOperationsOnAsync(string resourceId, CancellationToken cancellationToken = default)
    {
        var activities = await session.GetAsync<List<JsonElement>>(
            $"api/simulator/v1/resources/{Uri.EscapeDataString(resourceId)}/operations", cancellationToken).ConfigureAwait(false);
        return [.. activities.Select(a => new ActivityRecord(
            a.GetProperty("id").GetString() ?? string.Empty,
            a.TryGetProperty("description", out var d) ? d.GetString() ?? string.Empty : string.Empty,
            PlatformSession.StateOf(a)))];
    }
}

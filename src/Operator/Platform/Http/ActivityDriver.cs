namespace CloudTemple.Operator.Platform.Http;

/// <summary>The activities of the console API (<c>/api/activity/v1/activities</c>), which the simulated platform reproduces.</summary>
internal sealed class ActivityDriver(PlatformSession session) : IActivityDriver
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
}

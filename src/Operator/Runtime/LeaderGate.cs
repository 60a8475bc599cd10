using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace CloudTemple.Operator.Runtime;

/// <summary>
/// Runs work only while this replica holds the leader Lease (KubernetesClient's LeaderElector):
/// the work starts when the lease is acquired and is cancelled at once when it is lost; then the
/// replica stands for election again. On shutdown the lease is released so that another replica
/// takes over without waiting for it to expire.
/// </summary>
[Rbac("coordination.k8s.io", "leases", "get", "create", "update", Scope = RbacScope.OperatorNamespace, Reason = "the leader Lease (LeaseLock: get, create the first time, update to renew and release)")]
public sealed partial class LeaderGate(IKubernetes client, RuntimeOptions options, OperatorMetrics metrics, ILogger logger)
{
    private volatile bool _leading;

    /// <summary>Whether this replica leads now.</summary>
    public bool IsLeader => _leading;

    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        var leaseLock = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
        var gauge = metrics.LeaderStatus.WithLabels(options.LeaseName);
        gauge.Set(0);
        while (!cancellationToken.IsCancellationRequested)
        {
            using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            });
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task work = Task.CompletedTask;
            elector.OnStartedLeading += () =>
            {
                _leading = true;
                gauge.Set(1);
                LogStartedLeading(options.Identity, options.LeaseName);
                work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);
            };
            elector.OnStoppedLeading += () =>
            {
                _leading = false;
                gauge.Set(0);
                leading.Cancel();
                if (cancellationToken.IsCancellationRequested)
                {
                    LogShuttingDown(options.Identity);
                }
                else
                {
                    LogStoppedLeading(options.Identity);
                }
            };
            elector.OnNewLeader += leader => LogNewLeader(leader);
            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutting down.
            }
            catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or KubernetesException or IOException or OperationCanceledException)
            {
                // The API server is unreachable (restarting, or the network is away): this replica does
                // not lead (the work, if any, stops below) and stands again after a retry period,
                // rather than letting the exception end the process.
                LogElectionFailed(e);
                try
                {
                    await Task.Delay(options.RetryPeriod, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Shutting down.
                }
            }

            _leading = false;
            gauge.Set(0);
            await leading.CancelAsync().ConfigureAwait(false);
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The work stops with the lease.
            }
        }

        await ReleaseAsync(leaseLock).ConfigureAwait(false);
    }

    // Gives the lease up if this replica still holds it, so that a successor need not wait for it to expire.
    private async Task ReleaseAsync(LeaseLock leaseLock)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var record = await leaseLock.GetAsync(timeout.Token).ConfigureAwait(false);
            if (record.HolderIdentity != options.Identity)
            {
                return;
            }

            record.HolderIdentity = string.Empty;
            record.LeaseDurationSeconds = 1;
            record.RenewTime = DateTime.UtcNow;
            await leaseLock.UpdateAsync(record, timeout.Token).ConfigureAwait(false);
            LogReleased(options.LeaseName);
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or OperationCanceledException)
        {
            LogReleaseFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} acquired the lease {Lease}: reconciling")]
    private partial void LogStartedLeading(string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost the lease: workers stopped")]
    private partial void LogStoppedLeading(string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} is shutting down: workers stopped, releasing the lease")]
    private partial void LogShuttingDown(string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "The leader is {Leader}")]
    private partial void LogNewLeader(string leader);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election failed; standing again")]
    private partial void LogElectionFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the lease {Lease}")]
    private partial void LogReleased(string lease);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not release the lease")]
    private partial void LogReleaseFailed(Exception exception);
}

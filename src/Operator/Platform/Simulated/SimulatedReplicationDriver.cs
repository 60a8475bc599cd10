using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>VM replications on the simulated platform (provisioning API).</summary>
internal sealed class SimulatedReplicationDriver(PlatformSession session) : IReplicationDriver
{
    private const string Replications = "api/simulator/v1/vm-replications";

    public Task<PlatformOperation> CreateReplicationAsync(VmReplicationSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var body = new
        {
            virtualMachine = specification.VirtualMachine,
            targetCpoolId = specification.TargetCpoolId,
            targetVolumeId = specification.TargetVolumeId,
            rpoHours = specification.RpoHours,
        };
        return session.WriteAsync(HttpMethod.Post, Replications, body, new($"replication of VM '{specification.VirtualMachine}'", "vmReplication", Name: specification.VirtualMachine), cancellationToken);
    }

    public Task<PlatformOperation> FailoverAsync(string replicationId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Path(replicationId) + "/failover", new { }, new($"failover of VM replication {replicationId}", "vmReplication", ResourceId: replicationId), cancellationToken);

    public Task<PlatformOperation> DeleteReplicationAsync(string replicationId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Delete, Path(replicationId), null, new($"deletion of VM replication {replicationId}", "vmReplication", ResourceId: replicationId), cancellationToken);

    public async Task<VmReplicationObservation> GetReplicationAsync(string replicationId, CancellationToken cancellationToken = default)
    {
        var view = await session.ItemAsync<VmReplicationView>(Replications, replicationId, r => r.Id, cancellationToken).ConfigureAwait(false);
        return Observe(view);
    }

    public async Task<VmReplicationObservation?> FindReplicationByVirtualMachineAsync(string virtualMachine, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<VmReplicationView>(
            Replications, "vmReplication", virtualMachine, r => r.Id, r => r.VirtualMachine == virtualMachine && r.State != ResourceState.Deleting, cancellationToken).ConfigureAwait(false);
        return found is null ? null : Observe(found);
    }

    private static VmReplicationObservation Observe(VmReplicationView view) =>
        new(
            view.Id,
            view.VirtualMachine,
            view.Phase,
            view.LastSyncTime,
            view.SourceZone,
            view.TargetZone,
            view.TargetCpoolId,
            view.TargetVolumeId,
            view.RpoHours,
            view.State,
            Views.Billing(view.Billing));

    private static string Path(string replicationId) => $"{Replications}/{Uri.EscapeDataString(replicationId)}";
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>VMware VM replications to another zone, and their failover.</summary>
public interface IReplicationDriver
{
    /// <summary>Starts replicating a VM.</summary>
    Task<PlatformOperation> CreateReplicationAsync(VmReplicationSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Fails the VM over to its replica (V4).</summary>
    Task<PlatformOperation> FailoverAsync(string replicationId, CancellationToken cancellationToken = default);

    /// <summary>Stops and deletes a replication.</summary>
    Task<PlatformOperation> DeleteReplicationAsync(string replicationId, CancellationToken cancellationToken = default);

    /// <summary>Reads a replication. Throws <see cref="PlatformNotFoundException"/> when it does not exist.</summary>
    Task<VmReplicationObservation> GetReplicationAsync(string replicationId, CancellationToken cancellationToken = default);

    /// <summary>The replication of this VM (not being deleted), or null: a VM has at most one.</summary>
    Task<VmReplicationObservation?> FindReplicationByVirtualMachineAsync(string virtualMachine, CancellationToken cancellationToken = default);
}

/// <summary>What a VM replication should be.</summary>
/// <param name="VirtualMachine">The VM's name.</param>
/// <param name="TargetCpoolId">The Cpool that reserves capacity for it (V3).</param>
/// <param name="TargetVolumeId">The volume its replica lives on.</param>
/// <param name="RpoHours">1–24 hours (V1).</param>
public sealed record VmReplicationSpecification(string VirtualMachine, string TargetCpoolId, string TargetVolumeId, int RpoHours);

/// <summary>A VM replication as observed.</summary>
/// <param name="Id">Its id.</param>
/// <param name="VirtualMachine">The VM.</param>
/// <param name="Phase">Where it stands.</param>
/// <param name="LastSyncTime">The last replicated point.</param>
/// <param name="SourceZone">The VM's zone.</param>
/// <param name="TargetZone">The replica's zone.</param>
/// <param name="TargetCpoolId">The target Cpool.</param>
/// <param name="TargetVolumeId">The target volume.</param>
/// <param name="RpoHours">Its RPO.</param>
/// <param name="State">Its life-cycle state.</param>
/// <param name="Billing">What it consumes.</param>
public sealed record VmReplicationObservation(
    string Id,
    string VirtualMachine,
    VmReplicationPhase Phase,
    DateTimeOffset? LastSyncTime,
    Zone SourceZone,
    Zone TargetZone,
    string TargetCpoolId,
    string TargetVolumeId,
    int RpoHours,
    ResourceState State,
    IReadOnlyList<BillingItem> Billing);

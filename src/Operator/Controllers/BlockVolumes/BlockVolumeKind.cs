using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.BlockVolumes;

/// <summary>
/// BlockVolume: a dedicated SAN LUN used as a datastore. It references the Cpools that mount it and,
/// when replicated, the standby Cpool of its Global Mirror; VM replications that target it hold its
/// deletion. The IOPS limit (B2) and encryption (B4) are reported; Replicating and Headroom (B7) are
/// warning conditions: Ready stays True when the platform matches the spec.
/// </summary>
public sealed class BlockVolumeKind : ManagedKind<BlockVolume, VolumeObservation>
{
    /// <summary>Condition type saying how the Global Mirror stands.</summary>
    public const string Replicating = "Replicating";

    /// <summary>Condition type of rule B7.</summary>
    public const string Headroom = "Headroom";

    public override string Noun => "block volume";

    public override IEnumerable<Reference> References(BlockVolume entity) =>
        entity.Spec.CpoolRefs.Select(r => Reference.To<Cpool>(r.Name))
            .Concat(entity.Spec.Replication is { } replication ? [Reference.To<Cpool>(replication.StandbyCpoolRef.Name)] : []);

    public override async Task<IReadOnlyList<string>> UsedByAsync(BlockVolume entity, INamespaceView view, CancellationToken cancellationToken)
    {
        var ns = entity.Metadata.NamespaceProperty ?? string.Empty;
        var name = entity.Metadata.Name;
        var replications = await view.ListAsync<VmReplication>(ns, cancellationToken).ConfigureAwait(false);
        return [.. replications.Where(r => r.Spec.TargetBlockVolumeRef.Name == name).Select(r => $"VmReplication/{r.Metadata.Name}")];
    }

    public override ExternalClient<BlockVolume, VolumeObservation> Connect(IPlatform platform, ReconcileContext<BlockVolume> context, ResolvedReferences references) =>
        platform.Api == PlatformApi.Console ? new ConsoleBlockVolumeClient(platform, context, references) : new BlockVolumeClient(platform, context, references);
}

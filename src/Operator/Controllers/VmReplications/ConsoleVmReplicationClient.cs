using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.VmReplications;

/// <summary>
/// A VmReplication on the console API: none of it is public (a support request). The API can
/// neither read nor list replications, so nothing is observed or adopted; creating and stopping one
/// are orders the object names instead of sending anything.
/// </summary>
public sealed class ConsoleVmReplicationClient(IPlatform platform, ReconcileContext<VmReplication> context, ResolvedReferences references)
    : VmReplicationClient(platform, context, references)
{
    public override Capabilities Capabilities => Capabilities.None;

    public override string ReadOrder(string id) => ManualOrders.CannotRead("VM replications", $"replication {id}").Message;

    public override string CreateOrder() => ManualOrders.CreateReplication(Specification()).Message;

    public override string DeleteOrder(string id) => ManualOrders.ReplicationAction(id, "stop").Message;
}

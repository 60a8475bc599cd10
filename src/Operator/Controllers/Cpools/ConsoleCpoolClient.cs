using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Cpools;

/// <summary>
/// A Cpool on the console API: a host cluster, observed and adopted; ordering, resizing, a hypervisor
/// roll and deleting one are console orders, which the object names instead of sending anything. A
/// change's order is written from the cluster already observed, with no second read.
/// </summary>
public sealed class ConsoleCpoolClient(IPlatform platform, ReconcileContext<Cpool> context, ResolvedReferences references)
    : CpoolClient(platform, context, references)
{
    public override Capabilities Capabilities => Capabilities.Observe;

    public override string CreateOrder() => ManualOrders.CreateCpool(Specification()).Message;

    public override string DeleteOrder(string id) => ManualOrders.DeleteCpool(id).Message;

    protected override string? ShapeOrder(CpoolObservation current, CpoolSpecification desired) =>
        ManualOrders.ChangeCpool(current.Id, current.Zone, current.Hosts, current.MemoryGiB, desired).Message;

    protected override string? HypervisorOrder(string cpoolId, string build) => ManualOrders.UpdateHypervisor(cpoolId, build).Message;
}

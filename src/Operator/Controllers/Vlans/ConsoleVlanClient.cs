using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Vlans;

/// <summary>
/// A Vlan on the console API: observed and adopted; creating, changing and deleting one is a console
/// order, which the object names instead of sending anything.
/// </summary>
public sealed class ConsoleVlanClient(IPlatform platform, ReconcileContext<Vlan> context, ResolvedReferences references)
    : VlanClient(platform, context, references)
{
    public override Capabilities Capabilities => Capabilities.Observe;

    public override string CreateOrder() => ManualOrders.CreateVlan(Specification()).Message;

    public override string DeleteOrder(string id) => ManualOrders.DeleteVlan(id).Message;

    protected override string? ChangeOrder(string vlanId, VlanSpecification desired) => ManualOrders.ChangeVlan(vlanId, desired).Message;
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Vlans;

/// <summary>
/// Vlan: a layer-2 segment over zones and Cpools, shared with tenants of the same organization; it
/// references the Cpools it spans.
/// </summary>
public sealed class VlanKind : ManagedKind<Vlan, VlanObservation>
{
    public override string Noun => "VLAN";

    public override IEnumerable<Reference> References(Vlan entity) => entity.Spec.CpoolRefs.Select(r => Reference.To<Cpool>(r.Name));

    public override ExternalClient<Vlan, VlanObservation> Connect(IPlatform platform, ReconcileContext<Vlan> context, ResolvedReferences references) =>
        platform.Api == PlatformApi.Console ? new ConsoleVlanClient(platform, context, references) : new VlanClient(platform, context, references);
}

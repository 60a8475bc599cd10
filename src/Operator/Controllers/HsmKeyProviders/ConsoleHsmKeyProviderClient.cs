using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.HsmKeyProviders;

/// <summary>
/// An HsmKeyProvider on the console API: a support request, then console actions. The API can
/// neither read nor list key providers, so nothing is observed or adopted; ordering and deleting one
/// are orders the object names instead of sending anything.
/// </summary>
public sealed class ConsoleHsmKeyProviderClient(IPlatform platform, ReconcileContext<HsmKeyProvider> context, ResolvedReferences references)
    : HsmKeyProviderClient(platform, context, references)
{
    public override Capabilities Capabilities => Capabilities.None;

    public override string ReadOrder(string id) => ManualOrders.CannotRead("HSM key providers", $"key provider {id}").Message;

    public override string CreateOrder() => ManualOrders.CreateKeyProvider(Entity.Metadata.Name).Message;

    public override string DeleteOrder(string id) => ManualOrders.KeyProviderAction("delete", id, virtualMachine: null, billed: false).Message;
}

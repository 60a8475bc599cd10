using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.HsmKeyProviders;

/// <summary>What an HsmKeyProvider reads on the platform: the provider and the encryption state of the tenant's VMs.</summary>
/// <param name="Provider">The key provider.</param>
/// <param name="VirtualMachines">The tenant's VMs.</param>
/// <param name="Encryptions">The encryption with this provider of each VM the spec names or the provider encrypts, and what blocks it (H4), by VM name.</param>
public sealed record KeyProviderView(
    KeyProviderObservation Provider,
    IReadOnlyList<VirtualMachineObservation> VirtualMachines,
    IReadOnlyDictionary<string, VmEncryptionObservation> Encryptions);

/// <summary>
/// HsmKeyProvider: a key provider activated on the Cpools of cpoolRefs, which encrypts the VMs of
/// encryptedVirtualMachines whose H4 prerequisites hold. A VM the spec still encrypts, and that the
/// last report saw encrypted, keeps the provider from being deleted.
/// </summary>
public sealed class HsmKeyProviderKind : ManagedKind<HsmKeyProvider, KeyProviderView>
{
    public override string Noun => "HSM key provider";

    public override IEnumerable<Reference> References(HsmKeyProvider entity) => entity.Spec.CpoolRefs.Select(r => Reference.To<Cpool>(r.Name));

    public override Task<IReadOnlyList<string>> UsedByAsync(HsmKeyProvider entity, INamespaceView view, CancellationToken cancellationToken)
    {
        var encrypted = entity.Status?.VirtualMachines.Where(v => v.State == EncryptionState.Encrypted).Select(v => v.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        IReadOnlyList<string> users = [.. entity.Spec.EncryptedVirtualMachines.Where(encrypted.Contains).Select(v => $"VM '{v}' (encrypted; remove it from spec.encryptedVirtualMachines to have it decrypted)")];
        return Task.FromResult(users);
    }

    public override ExternalClient<HsmKeyProvider, KeyProviderView> Connect(IPlatform platform, ReconcileContext<HsmKeyProvider> context, ResolvedReferences references) =>
        platform.Api == PlatformApi.Console
            ? new ConsoleHsmKeyProviderClient(platform, context, references)
            : new HsmKeyProviderClient(platform, context, references);
}

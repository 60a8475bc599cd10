using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>HSM key providers: order, activation on Cpools, VM encryption and its per-VM report.</summary>
public interface IKeyManagementDriver
{
    /// <summary>Orders a key provider (the tenant needs the HSM subscription).</summary>
    Task<PlatformOperation> CreateProviderAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Activates the provider on a Cpool's VMware stack.</summary>
    Task<PlatformOperation> ActivateAsync(string providerId, string cpoolId, CancellationToken cancellationToken = default);

    /// <summary>Encrypts a VM with the provider (H4's prerequisites must hold).</summary>
    Task<PlatformOperation> EncryptAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default);

    /// <summary>Decrypts a VM.</summary>
    Task<PlatformOperation> DecryptAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default);

    /// <summary>Deletes a provider (refused while it still encrypts VMs, H3).</summary>
    Task<PlatformOperation> DeleteProviderAsync(string providerId, CancellationToken cancellationToken = default);

    /// <summary>Reads a provider. Throws <see cref="PlatformNotFoundException"/> when it does not exist.</summary>
    Task<KeyProviderObservation> GetProviderAsync(string providerId, CancellationToken cancellationToken = default);

    /// <summary>The provider of this name (not being deleted), or null.</summary>
    Task<KeyProviderObservation?> FindProviderByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Whether a VM is encrypted with the provider, and if not, what blocks it (H4).</summary>
    Task<VmEncryptionObservation> GetEncryptionAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default);
}

/// <summary>An HSM key provider as observed.</summary>
/// <param name="Id">Its id (the status' providerId).</param>
/// <param name="Name">Its name.</param>
/// <param name="KmipEndpoint">Its KMIP endpoint.</param>
/// <param name="Zones">The zones it serves (H2).</param>
/// <param name="Hsm">The HSM (H1).</param>
/// <param name="Kms">The KMS (H1).</param>
/// <param name="ActiveCpoolIds">The Cpools it is active on.</param>
/// <param name="State">Its life-cycle state.</param>
/// <param name="Billing">What it consumes.</param>
public sealed record KeyProviderObservation(
    string Id,
    string Name,
    string KmipEndpoint,
    IReadOnlyList<Zone> Zones,
    string Hsm,
    string Kms,
    IReadOnlyList<string> ActiveCpoolIds,
    ResourceState State,
    IReadOnlyList<BillingItem> Billing);

/// <summary>One VM's encryption with a provider.</summary>
/// <param name="VirtualMachine">The VM.</param>
/// <param name="State">Encrypted, Pending or Blocked.</param>
/// <param name="Blockers">Why it cannot be encrypted (H4).</param>
public sealed record VmEncryptionObservation(string VirtualMachine, EncryptionState State, IReadOnlyList<EncryptionBlocker> Blockers);

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>What the HsmKeyProvider reconciler reads on the platform: the provider and the encryption state of the tenant's VMs.</summary>
/// <param name="Provider">The key provider.</param>
/// <param name="VirtualMachines">The tenant's VMs.</param>
/// <param name="Encryptions">The encryption with this provider of each VM the spec names or the provider encrypts, and what blocks it (H4), by VM name.</param>
public sealed record KeyProviderView(
    KeyProviderObservation Provider,
    IReadOnlyList<VirtualMachineObservation> VirtualMachines,
    IReadOnlyDictionary<string, VmEncryptionObservation> Encryptions);

/// <summary>
/// HsmKeyProvider: orders the provider, activates it on the Cpools of cpoolRefs, and encrypts each VM
/// of encryptedVirtualMachines whose H4 prerequisites hold; the others are reported Blocked with each
/// unmet prerequisite by name. Every key operation (activation, encryption, decryption) is an Event
/// (H6). Decryption is the user's decision: a VM that leaves encryptedVirtualMachines is decrypted by
/// the provider. A provider deleted while its spec still names encrypted VMs is not deleted: its
/// finalizer waits and names them; once they have left the spec, the finalizer decrypts them, one by
/// one, and then deletes the provider (the platform refuses to delete a provider that still encrypts
/// VMs, H3).
/// </summary>
public sealed class HsmKeyProviderReconciler : PlatformReconciler<HsmKeyProvider, KeyProviderView>, IReconciler<HsmKeyProvider>
{
    private readonly IPlatformConnections _connections;
    private readonly CredentialsResolver _credentials;

    public HsmKeyProviderReconciler(IPlatformConnections connections, CredentialsResolver credentials, INamespaceView view, ReconcilerOptions? options = null)
        : base(connections, credentials, view, options)
    {
        _connections = connections;
        _credentials = credentials;
    }

    protected override string Noun => "HSM key provider";

    // The VMs the object in hand names (spec.encryptedVirtualMachines), for ViewAsync: only they need
    // an encryption report; set for the length of one reconcile or finalize (GetAsync has no entity).
    private static readonly AsyncLocal<IReadOnlySet<string>?> s_named = new();

    async Task<ReconcileResult> IReconciler<HsmKeyProvider>.ReconcileAsync(ReconcileContext<HsmKeyProvider> context, CancellationToken cancellationToken)
    {
        s_named.Value = context.Entity.Spec.EncryptedVirtualMachines.ToHashSet(StringComparer.Ordinal);
        return await ReconcileAsync(context, cancellationToken).ConfigureAwait(false);
    }

    async Task<FinalizeResult> IReconciler<HsmKeyProvider>.FinalizeAsync(ReconcileContext<HsmKeyProvider> context, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        s_named.Value = entity.Spec.EncryptedVirtualMachines.ToHashSet(StringComparer.Ordinal);
        if (entity.Status?.ExternalId is not { } id || entity.Status.ActivityId is not null
            || (await UsedByAsync(entity, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            // Nothing of ours to decrypt, an operation to wait for, or VMs the spec still encrypts: the shared life cycle says so.
            return await FinalizeAsync(context, cancellationToken).ConfigureAwait(false);
        }

        var platform = _connections.Connect(await _credentials.ResolveAsync(entity, cancellationToken).ConfigureAwait(false));
        IReadOnlyList<VirtualMachineObservation> inventory;
        try
        {
            await platform.KeyManagement.GetProviderAsync(id, cancellationToken).ConfigureAwait(false);
            inventory = await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException)
        {
            return await FinalizeAsync(context, cancellationToken).ConfigureAwait(false);
        }

        var encrypted = inventory.Where(v => v.EncryptionProviderId == id).Select(v => v.Name).ToList();
        var kept = encrypted.Where(entity.Spec.EncryptedVirtualMachines.Contains).ToList();
        if (kept.Count > 0)
        {
            return FinalizeResult.Wait("InUse", InUseMessage(kept), Options.PollInterval);
        }

        if (encrypted.Count == 0)
        {
            return await FinalizeAsync(context, cancellationToken).ConfigureAwait(false);
        }

        var operation = await platform.KeyManagement.DecryptAsync(id, encrypted[0], cancellationToken).ConfigureAwait(false);
        entity.Status.ActivityId = operation.ActivityId;
        await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        context.Events.Publish(warning: false, "Decrypting", "Decrypt", $"Decrypting VM '{encrypted[0]}' with key provider {id} before the provider is deleted (platform activity {operation.ActivityId}).");
        return FinalizeResult.Wait("Decrypting", $"Decrypting {BoundedText.List(encrypted.Select(v => $"VM '{v}'"))}, which left spec.encryptedVirtualMachines, before the {Noun} is deleted.", Options.PollInterval);
    }

    protected override Task<IReadOnlyList<string>> UsedByAsync(HsmKeyProvider entity, CancellationToken cancellationToken)
    {
        // A VM the spec still encrypts, and that the last report saw encrypted, keeps the provider.
        var encrypted = entity.Status?.VirtualMachines.Where(v => v.State == EncryptionState.Encrypted).Select(v => v.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        IReadOnlyList<string> users = [.. entity.Spec.EncryptedVirtualMachines.Where(encrypted.Contains).Select(v => $"VM '{v}' (encrypted; remove it from spec.encryptedVirtualMachines to have it decrypted)")];
        return Task.FromResult(users);
    }

    protected override async Task<KeyProviderView> GetAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        await ViewAsync(platform, await platform.KeyManagement.GetProviderAsync(id, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    protected override async Task<KeyProviderView?> FindByNameAsync(IPlatform platform, HsmKeyProvider entity, CancellationToken cancellationToken) =>
        await platform.KeyManagement.FindProviderByNameAsync(entity.Metadata.Name, cancellationToken).ConfigureAwait(false) is { } found
            ? await ViewAsync(platform, found, cancellationToken).ConfigureAwait(false)
            : null;

    protected override string IdOf(KeyProviderView observation) => observation.Provider.Id;

    protected override bool IsBusy(KeyProviderView observation) => observation.Provider.State != ResourceState.Ready;

    protected override async Task<bool> ReferencesReadyAsync(ReconcileContext<HsmKeyProvider> context, CancellationToken cancellationToken) =>
        await CpoolsAsync(context, cancellationToken).ConfigureAwait(false) is not null;

    protected override Task<PlatformOperation> CreateAsync(IPlatform platform, ReconcileContext<HsmKeyProvider> context, CancellationToken cancellationToken) =>
        platform.KeyManagement.CreateProviderAsync(context.Entity.Metadata.Name, cancellationToken);

    protected override async Task<PlatformOperation?> UpdateAsync(IPlatform platform, ReconcileContext<HsmKeyProvider> context, KeyProviderView observed, CancellationToken cancellationToken)
    {
        var provider = observed.Provider;
        var cpools = await CpoolsAsync(context, cancellationToken).ConfigureAwait(false);
        if (cpools?.FirstOrDefault(c => !provider.ActiveCpoolIds.Contains(c)) is { } inactive)
        {
            var activation = await platform.KeyManagement.ActivateAsync(provider.Id, inactive, cancellationToken).ConfigureAwait(false);
            context.Events.Publish(warning: false, "Activating", "Activate", $"Activating key provider {provider.Id} on Cpool {inactive} (platform activity {activation.ActivityId}).");
            return activation;
        }

        var wanted = context.Entity.Spec.EncryptedVirtualMachines;
        if (observed.VirtualMachines.FirstOrDefault(v => v.EncryptionProviderId == provider.Id && !wanted.Contains(v.Name)) is { } released)
        {
            // The user took the VM out of the spec: that is the decision to decrypt it.
            var decryption = await platform.KeyManagement.DecryptAsync(provider.Id, released.Name, cancellationToken).ConfigureAwait(false);
            context.Events.Publish(warning: false, "Decrypting", "Decrypt", $"Decrypting VM '{released.Name}', which left spec.encryptedVirtualMachines (platform activity {decryption.ActivityId}).");
            return decryption;
        }

        foreach (var name in wanted)
        {
            if (!observed.Encryptions.TryGetValue(name, out var encryption) || encryption.State != EncryptionState.Pending || encryption.Blockers.Count > 0)
            {
                continue;
            }

            try
            {
                var operation = await platform.KeyManagement.EncryptAsync(provider.Id, name, cancellationToken).ConfigureAwait(false);
                context.Events.Publish(warning: false, "Encrypting", "Encrypt", $"Encrypting VM '{name}' with key provider {provider.Id} (platform activity {operation.ActivityId}).");
                return operation;
            }
            catch (PlatformRefusedException e)
            {
                // A prerequisite broke since the report (H4): the next report names it; the other VMs go on.
                context.Events.Publish(warning: true, "EncryptionRefused", "Encrypt", $"The platform refused to encrypt VM '{name}': {e.Message}");
            }
        }

        return null;
    }

    protected override Task<PlatformOperation> DeleteAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.KeyManagement.DeleteProviderAsync(id, cancellationToken);

    protected override void Report(ReconcileContext<HsmKeyProvider> context, KeyProviderView observed)
    {
        var provider = observed.Provider;
        var status = context.Entity.Status!;
        status.ProviderId = provider.Id;
        status.KmipEndpoint = provider.KmipEndpoint;
        status.Zones = [.. provider.Zones.Select(z => z.ToString())];
        status.Hsm = provider.Hsm;
        status.Kms = provider.Kms;
        status.Billing = Billing(provider.Billing);
        status.VirtualMachines = [.. context.Entity.Spec.EncryptedVirtualMachines.Select(name => observed.Encryptions.TryGetValue(name, out var e)
            ? new EncryptedVirtualMachineState { Name = name, State = e.State, Reasons = [.. e.Blockers] }
            : new EncryptedVirtualMachineState { Name = name, State = EncryptionState.Blocked, Reasons = [EncryptionBlocker.NotFound] })];
    }

    protected override string? NotReadyBecause(HsmKeyProvider entity, KeyProviderView observed)
    {
        var unknown = entity.Spec.EncryptedVirtualMachines.Where(name => observed.VirtualMachines.All(vm => vm.Name != name)).ToList();
        return unknown.Count == 0
            ? null
            : $"spec.encryptedVirtualMachines names {BoundedText.List(unknown.Select(v => $"VM '{v}'"))}, which the platform does not know in this tenant: create the VM or remove it from the spec.";
    }

    private static string InUseMessage(IEnumerable<string> vms) =>
        $"The key provider still encrypts {BoundedText.List(vms.Select(v => $"VM '{v}'"))}: remove them from spec.encryptedVirtualMachines to have them decrypted; the provider is deleted once it encrypts none.";

    private static async Task<KeyProviderView> ViewAsync(IPlatform platform, KeyProviderObservation provider, CancellationToken cancellationToken)
    {
        var inventory = await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        var encryptions = new Dictionary<string, VmEncryptionObservation>(StringComparer.Ordinal);
        var named = s_named.Value;
        foreach (var vm in inventory)
        {
            // The driver reports one VM at a time; those the provider already encrypts need no call, nor
            // those the spec does not name (one read per VM of the tenant per reconcile made the
            // reconciles of many providers crawl: make bench).
            if (vm.EncryptionProviderId == provider.Id)
            {
                encryptions[vm.Name] = new VmEncryptionObservation(vm.Name, EncryptionState.Encrypted, []);
            }
            else if (named is null || named.Contains(vm.Name))
            {
                encryptions[vm.Name] = await platform.KeyManagement.GetEncryptionAsync(provider.Id, vm.Name, cancellationToken).ConfigureAwait(false);
            }
        }

        return new KeyProviderView(provider, inventory, encryptions);
    }

    private Task<IReadOnlyList<string>?> CpoolsAsync(ReconcileContext<HsmKeyProvider> context, CancellationToken cancellationToken) =>
        ResolveReferencesAsync<Cpool>(context, context.Entity.Spec.CpoolRefs.Select(r => r.Name), cancellationToken);
}

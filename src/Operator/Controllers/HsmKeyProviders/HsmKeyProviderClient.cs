using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.HsmKeyProviders;

/// <summary>
/// An HsmKeyProvider on a platform whose API can do everything (the simulated one): ordered, activated
/// on the Cpools of cpoolRefs, and each VM of encryptedVirtualMachines whose H4 prerequisites hold is
/// encrypted; the others are reported Blocked with each unmet prerequisite by name. Every key
/// operation (activation, encryption, decryption) is an Event (H6). Decryption is the user's
/// decision: a VM that leaves encryptedVirtualMachines is decrypted by the provider. A provider
/// deleted while its spec still names encrypted VMs waits and names them; once they have left the
/// spec, they are decrypted one by one, and then the provider is deleted (the platform refuses to
/// delete a provider that still encrypts VMs, H3).
/// </summary>
public class HsmKeyProviderClient(IPlatform platform, ReconcileContext<HsmKeyProvider> context, ResolvedReferences references)
    : ExternalClient<HsmKeyProvider, KeyProviderView>(context, references)
{
    protected IKeyManagementDriver KeyManagement { get; } = platform.KeyManagement;

    public override async Task<Observation<KeyProviderView>?> ObserveAsync(string id, CancellationToken cancellationToken) =>
        await OrNullAsync(KeyManagement.GetProviderAsync(id, cancellationToken)).ConfigureAwait(false) is { } provider
            ? await ObserveAsync(provider, cancellationToken).ConfigureAwait(false)
            : null;

    public override async Task<Observation<KeyProviderView>?> FindAsync(CancellationToken cancellationToken) =>
        await KeyManagement.FindProviderByNameAsync(Entity.Metadata.Name, cancellationToken).ConfigureAwait(false) is { } found
            ? await ObserveAsync(found, cancellationToken).ConfigureAwait(false)
            : null;

    public override Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken) =>
        KeyManagement.CreateProviderAsync(Entity.Metadata.Name, cancellationToken);

    public override IAsyncEnumerable<Change> PlanAsync(Observation<KeyProviderView> observed, CancellationToken cancellationToken)
    {
        var (view, id) = (observed.Resource, observed.Id);
        var wanted = Entity.Spec.EncryptedVirtualMachines;
        var activations = Entity.Spec.CpoolRefs.Select(r => References.IdOf<Cpool>(r.Name)).Where(c => !view.Provider.ActiveCpoolIds.Contains(c)).Distinct(StringComparer.Ordinal)
            .Select(cpool => new Change("Activating", $"Activating key provider {id} on Cpool {cpool}", ct => KeyManagement.ActivateAsync(id, cpool, ct)));

        // The user took a VM out of the spec: that is the decision to decrypt it.
        var decryptions = view.VirtualMachines.Where(v => v.EncryptionProviderId == id && !wanted.Contains(v.Name)).Select(v => Decrypt(id, v.Name));
        var encryptions = wanted
            .Where(name => view.Encryptions.TryGetValue(name, out var e) && e.State == EncryptionState.Pending && e.Blockers.Count == 0)
            .Select(name => new Change("Encrypting", $"Encrypting VM '{name}' with key provider {id}", ct => KeyManagement.EncryptAsync(id, name, ct))
            {
                // A prerequisite broke since the report (H4): the next report names it; the other VMs go on.
                OnRefused = reason => Events.Publish(warning: true, "EncryptionRefused", "Encrypt", $"The platform refused to encrypt VM '{name}': {reason}"),
            });
        return activations.Concat(decryptions).Concat(encryptions).ToAsyncEnumerable();
    }

    public override Task<BeforeDelete> BeforeDeleteAsync(Observation<KeyProviderView> observed, CancellationToken cancellationToken)
    {
        var encrypted = observed.Resource.VirtualMachines.Where(v => v.EncryptionProviderId == observed.Id).Select(v => v.Name).ToList();
        var kept = encrypted.Where(Entity.Spec.EncryptedVirtualMachines.Contains).ToList();
        var before = kept.Count > 0
            ? BeforeDelete.WaitFor("InUse",
                $"The key provider still encrypts {BoundedText.List(kept.Select(v => $"VM '{v}'"))}: remove them from spec.encryptedVirtualMachines to have them decrypted; the provider is deleted once it encrypts none.")
            : encrypted.Count > 0 ? BeforeDelete.First(Decrypt(observed.Id, encrypted[0])) : BeforeDelete.Proceed;
        return Task.FromResult(before);
    }

    public override Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken) =>
        KeyManagement.DeleteProviderAsync(id, cancellationToken);

    public override void Report(Observation<KeyProviderView> observed)
    {
        var (view, status) = (observed.Resource, Entity.Status!);
        var provider = view.Provider;
        status.ProviderId = provider.Id;
        status.KmipEndpoint = provider.KmipEndpoint;
        status.Zones = [.. provider.Zones.Select(z => z.ToString())];
        status.Hsm = provider.Hsm;
        status.Kms = provider.Kms;
        status.Billing = Billing(provider.Billing);
        status.VirtualMachines = [.. Entity.Spec.EncryptedVirtualMachines.Select(name => view.Encryptions.TryGetValue(name, out var e)
            ? new EncryptedVirtualMachineState { Name = name, State = e.State, Reasons = [.. e.Blockers] }
            : new EncryptedVirtualMachineState { Name = name, State = EncryptionState.Blocked, Reasons = [EncryptionBlocker.NotFound] })];
    }

    public override string? NotReadyBecause(Observation<KeyProviderView> observed)
    {
        var unknown = Entity.Spec.EncryptedVirtualMachines.Where(name => observed.Resource.VirtualMachines.All(vm => vm.Name != name)).ToList();
        return unknown.Count == 0
            ? null
            : $"spec.encryptedVirtualMachines names {BoundedText.List(unknown.Select(v => $"VM '{v}'"))}, which the platform does not know in this tenant: create the VM or remove it from the spec.";
    }

    private Change Decrypt(string id, string virtualMachine) =>
        new("Decrypting", $"Decrypting VM '{virtualMachine}', which left spec.encryptedVirtualMachines", ct => KeyManagement.DecryptAsync(id, virtualMachine, ct));

    private async Task<Observation<KeyProviderView>> ObserveAsync(KeyProviderObservation provider, CancellationToken cancellationToken)
    {
        var inventory = await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        var named = Entity.Spec.EncryptedVirtualMachines.ToHashSet(StringComparer.Ordinal);
        var encryptions = new Dictionary<string, VmEncryptionObservation>(StringComparer.Ordinal);
        foreach (var vm in inventory)
        {
            // The driver reports one VM at a time; those the provider already encrypts need no call, nor
            // those the spec does not name (one read per VM of the tenant per reconcile made the
            // reconciles of many providers crawl: make bench).
            if (vm.EncryptionProviderId == provider.Id)
            {
                encryptions[vm.Name] = new VmEncryptionObservation(vm.Name, EncryptionState.Encrypted, []);
            }
            else if (named.Contains(vm.Name))
            {
                encryptions[vm.Name] = await KeyManagement.GetEncryptionAsync(provider.Id, vm.Name, cancellationToken).ConfigureAwait(false);
            }
        }

        return new(new KeyProviderView(provider, inventory, encryptions), provider.Id) { Busy = provider.State != ResourceState.Ready };
    }
}

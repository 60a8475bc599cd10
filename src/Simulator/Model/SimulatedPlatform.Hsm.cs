using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>HSM key providers and VM encryption (H1–H4, X1).</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>Creates a key provider for a tenant.</summary>
    public Accepted CreateHsmKeyProvider(string tenantId, string name)
    {
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            var id = NewId("hsm");
            _keyProviders.Add(id, new HsmKeyProvider(id, name, tenantId, [], ProvisioningState.Creating));
            return Enqueue(
                $"Create HSM key provider {name}",
                new ConcernedItem("hsmKeyProvider", id),
                _options.HsmKeyProvider,
                new CreatePlan("hsmKeyProvider", id));
        }
    }

    /// <summary>Activates a key provider on a Cpool of its tenant, in a zone where the HSM service runs (H2).</summary>
    public Accepted ActivateHsmKeyProvider(string providerId, string cpoolId)
    {
        lock (_lock)
        {
            Settle();
            var provider = RequireProvider(providerId);
            var cpool = RequireCpool(cpoolId);
            if (cpool.TenantId != provider.TenantId)
            {
                throw Refused("H3", $"A key provider serves only its own tenant's domain; Cpool '{cpool.Name}' belongs to another tenant");
            }

            if (!PlatformCatalog.HsmZones.Contains(cpool.Zone))
            {
                throw Refused("H2", $"The HSM service runs only in {string.Join(", ", PlatformCatalog.HsmZones)}; Cpool '{cpool.Name}' is in {cpool.Zone}");
            }

            return Enqueue(
                $"Activate HSM key provider {provider.Name} on Cpool {cpool.Name}",
                new ConcernedItem("hsmKeyProvider", providerId),
                _options.HsmKeyProvider,
                new ActivateKeyProviderPlan(providerId, cpoolId));
        }
    }

    /// <summary>
    /// Encrypts a VM with the provider's keys. Refused (H4) when a prerequisite is unmet; the
    /// refusal lists each one in <see cref="PlatformRefusedException.Blockers"/>.
    /// </summary>
    public Accepted EncryptVirtualMachine(string providerId, string vmName)
    {
        lock (_lock)
        {
            Settle();
            var provider = RequireProvider(providerId);
            var vm = RequireVm(provider.TenantId, vmName);
            var blockers = Blockers(provider, vm);
            if (blockers.Count > 0)
            {
                throw new PlatformRefusedException("H4", $"VM '{vm.Name}' cannot be encrypted: {string.Join("; ", blockers.Select(Describe))}", blockers);
            }

            return Enqueue(
                $"Encrypt VM {vm.Name}",
                new ConcernedItem("hsmKeyProvider", providerId),
                _options.Encryption,
                new EncryptionPlan(providerId, vm.TenantId, vm.Name, Encrypt: true));
        }
    }

    /// <summary>Decrypts a VM.</summary>
    public Accepted DecryptVirtualMachine(string providerId, string vmName)
    {
        lock (_lock)
        {
            Settle();
            var provider = RequireProvider(providerId);
            var vm = RequireVm(provider.TenantId, vmName);
            return Enqueue(
                $"Decrypt VM {vm.Name}",
                new ConcernedItem("hsmKeyProvider", providerId),
                _options.Encryption,
                new EncryptionPlan(providerId, vm.TenantId, vm.Name, Encrypt: false));
        }
    }

    /// <summary>A key provider, or null.</summary>
    public HsmKeyProvider? GetHsmKeyProvider(string id)
    {
        lock (_lock)
        {
            Settle();
            return _keyProviders.GetValueOrDefault(id);
        }
    }

    /// <summary>The key providers of a tenant.</summary>
    public IReadOnlyList<HsmKeyProvider> GetHsmKeyProviders(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _keyProviders.Values.Where(k => k.TenantId == tenantId)];
        }
    }

    /// <summary>
    /// The encryption state of a VM under a provider: Encrypted, Pending (nothing blocks it, or an
    /// encryption is in flight) or Blocked with each unmet H4 prerequisite.
    /// </summary>
    public VmEncryptionReport GetEncryptionReport(string providerId, string vmName)
    {
        lock (_lock)
        {
            Settle();
            var provider = RequireProvider(providerId);
            var vm = RequireVm(provider.TenantId, vmName);
            if (vm.EncryptionProviderId == providerId)
            {
                return new VmEncryptionReport(vmName, EncryptionState.Encrypted, []);
            }

            var blockers = Blockers(provider, vm);
            return new VmEncryptionReport(vmName, blockers.Count > 0 ? EncryptionState.Blocked : EncryptionState.Pending, blockers);
        }
    }

    private HsmKeyProvider RequireProvider(string id) =>
        _keyProviders.TryGetValue(id, out var p) && p.State != ProvisioningState.Deleting ? p : throw NotFound("HSM key provider", id);

    private List<EncryptionBlocker> Blockers(HsmKeyProvider provider, VirtualMachine vm)
    {
        var blockers = new List<EncryptionBlocker>();
        if (vm.PowerState == PowerState.PoweredOn)
        {
            blockers.Add(EncryptionBlocker.PoweredOn);
        }

        if (vm.SnapshotCount > 0)
        {
            blockers.Add(EncryptionBlocker.HasSnapshots);
        }

        if (IsReplicated(vm))
        {
            blockers.Add(EncryptionBlocker.Replicated);
        }

        if (!_tenants[vm.TenantId].HsmSubscription)
        {
            blockers.Add(EncryptionBlocker.NotSubscribed);
        }

        if (provider.State != ProvisioningState.Ready || !provider.ActiveCpoolIds.Contains(vm.CpoolId))
        {
            blockers.Add(EncryptionBlocker.ProviderNotActive);
        }

        return blockers;
    }

    private static string Describe(EncryptionBlocker blocker) => blocker switch
    {
        EncryptionBlocker.PoweredOn => "it is powered on and must be powered off",
        EncryptionBlocker.HasSnapshots => "it has snapshots and must have none",
        EncryptionBlocker.Replicated => "it is replicated, and a VM cannot be both HSM-encrypted and replicated (X1)",
        EncryptionBlocker.NotSubscribed => "the tenant has no subscription to the HSM service",
        EncryptionBlocker.ProviderNotActive => "the key provider is not activated on its Cpool",
        _ => blocker.ToString(),
    };
}

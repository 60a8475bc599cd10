using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>Billing per resource (X3) and deletion.</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>
    /// What a resource consumes, from the catalog's SKUs (X3): hosts × blade; GiB of the class
    /// (TiB for mass); Global Mirror licence per TiB; backup, replication and HSM encryption per VM.
    /// </summary>
    public IReadOnlyList<BillingLine> GetBilling(string resourceId)
    {
        lock (_lock)
        {
            Settle();
            if (_cpools.TryGetValue(resourceId, out var cpool))
            {
                return [new(PlatformCatalog.Blade(cpool.BladeType).Sku, cpool.Hosts.Count, BillingUnit.Host)];
            }

            if (_volumes.TryGetValue(resourceId, out var volume))
            {
                var info = PlatformCatalog.StorageClassOf(volume.StorageClass);
                var size = info.BillingUnit == BillingUnit.TiB ? PlatformCatalog.ToTiB(volume.SizeGiB) : volume.SizeGiB;
                List<BillingLine> lines = [new(info.Sku, size, info.BillingUnit)];
                if (volume.Replication is not null)
                {
                    lines.Add(new(PlatformCatalog.GlobalMirrorLicenceSku, PlatformCatalog.ToTiB(volume.SizeGiB), BillingUnit.TiB));
                }

                return lines;
            }

            if (_backupPolicies.TryGetValue(resourceId, out var policy))
            {
                return policy.Assignments.Count == 0 ? [] : [new(PlatformCatalog.BackupVmSku, policy.Assignments.Count, BillingUnit.VM)];
            }

            if (_vmReplications.ContainsKey(resourceId))
            {
                return [new(PlatformCatalog.VmReplicationSku, 1, BillingUnit.VM)];
            }

            if (_keyProviders.ContainsKey(resourceId))
            {
                var encrypted = _vms.Values.Count(v => v.EncryptionProviderId == resourceId);
                return encrypted == 0 ? [] : [new(PlatformCatalog.HsmEncryptionSku, encrypted, BillingUnit.VM)];
            }

            return _vlans.ContainsKey(resourceId) ? [] : throw NotFound("Resource", resourceId);
        }
    }

    /// <summary>
    /// Deletes any resource by id. A volume takes its replica with it; a key provider that still
    /// encrypts VMs cannot be deleted (H3: their keys are wrapped by it).
    /// </summary>
    public Accepted Delete(string resourceId)
    {
        lock (_lock)
        {
            Settle();
            if (_keyProviders.TryGetValue(resourceId, out var provider)
                && _vms.Values.FirstOrDefault(v => v.EncryptionProviderId == resourceId) is { } encrypted)
            {
                throw Refused("H3", $"Key provider '{provider.Name}' still encrypts VM '{encrypted.Name}', whose keys it wraps; decrypt its VMs first");
            }

            var type = TypeOf(resourceId) ?? throw NotFound("Resource", resourceId);
            var restore = Snapshotter(type, resourceId);
            MarkDeleting(type, resourceId);
            return Enqueue(
                $"Delete {type} {resourceId}",
                new ConcernedItem(type, resourceId),
                _options.Delete,
                _ => Remove(type, resourceId),
                _ => restore());
        }
    }

    private string? TypeOf(string id) =>
        _cpools.ContainsKey(id) ? "cpool"
        : _volumes.ContainsKey(id) ? "blockVolume"
        : _vlans.ContainsKey(id) ? "vlan"
        : _backupPolicies.ContainsKey(id) ? "backupPolicy"
        : _vmReplications.ContainsKey(id) ? "vmReplication"
        : _keyProviders.ContainsKey(id) ? "hsmKeyProvider"
        : null;

    private void MarkDeleting(string type, string id)
    {
        const ProvisioningState deleting = ProvisioningState.Deleting;
        switch (type)
        {
            case "cpool": _cpools[id] = _cpools[id] with { State = deleting }; break;
            case "blockVolume": _volumes[id] = _volumes[id] with { State = deleting }; break;
            case "vlan": _vlans[id] = _vlans[id] with { State = deleting }; break;
            case "vmReplication": _vmReplications[id] = _vmReplications[id] with { State = deleting }; break;
            case "hsmKeyProvider": _keyProviders[id] = _keyProviders[id] with { State = deleting }; break;
            default: break;
        }
    }

    private void Remove(string type, string id)
    {
        switch (type)
        {
            case "cpool": _cpools.Remove(id); break;
            case "blockVolume":
                if (_volumes[id].Replication?.ReplicaVolumeId is { } replica)
                {
                    _volumes.Remove(replica);
                }

                _volumes.Remove(id);
                break;
            case "vlan": _vlans.Remove(id); break;
            case "backupPolicy": _backupPolicies.Remove(id); break;
            case "vmReplication": _vmReplications.Remove(id); break;
            case "hsmKeyProvider": _keyProviders.Remove(id); break;
            default: break;
        }
    }

    /// <summary>Captures a resource as it is, to put it back if its deletion fails.</summary>
    private Action Snapshotter(string type, string id)
    {
        switch (type)
        {
            case "cpool":
                var c = _cpools[id];
                return () => _cpools[id] = c;
            case "blockVolume":
                var v = _volumes[id];
                return () => _volumes[id] = v;
            case "vlan":
                var l = _vlans[id];
                return () => _vlans[id] = l;
            case "vmReplication":
                var r = _vmReplications[id];
                return () => _vmReplications[id] = r;
            case "hsmKeyProvider":
                var k = _keyProviders[id];
                return () => _keyProviders[id] = k;
            default:
                return () => { };
        }
    }
}

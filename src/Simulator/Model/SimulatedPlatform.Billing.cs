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
                throw Conflict("H3", $"Key provider '{provider.Name}' still encrypts VM '{encrypted.Name}', whose keys it wraps; decrypt its VMs first");
            }

            var type = TypeOf(resourceId) ?? throw NotFound("Resource", resourceId);
            if (_unfinishedByItem.TryGetValue(resourceId, out var queue) && queue.FirstOrDefault(o => o.Plan is DeletePlan) is { } deleting)
            {
                // Already being deleted (a client that lost the first answer asks again): the same
                // operation, rather than a second one that would outlive the resource.
                return new Accepted(deleting.Id, resourceId);
            }

            var previous = StateOf(type, resourceId);
            SetState(type, resourceId, ProvisioningState.Deleting, at: null);
            return Enqueue(
                $"Delete {type} {resourceId}",
                new ConcernedItem(type, resourceId),
                _options.Delete,
                new DeletePlan(type, resourceId, previous));
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

    private ProvisioningState StateOf(string type, string id) => type switch
    {
        "cpool" => _cpools[id].State,
        "blockVolume" => _volumes[id].State,
        "vlan" => _vlans[id].State,
        "vmReplication" => _vmReplications[id].State,
        "hsmKeyProvider" => _keyProviders[id].State,
        _ => ProvisioningState.Ready,
    };

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
}

using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>The effects of each <see cref="OperationPlan"/>: a late check, steps, completion, failure.</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>A reason to fail, checked when the operation ends; null when it may complete.</summary>
    private string? Check(OperationPlan plan)
    {
        switch (plan)
        {
            case BackupRequestPlan p:
                return !p.OrganizationKnown ? $"Organization '{p.OrganizationName}' is unknown to the provider (K2)"
                    : !p.TenantKnown ? $"Tenant '{p.TenantName}' does not belong to organization '{p.OrganizationName}' (G2)"
                    : null;
            case EncryptionPlan { Encrypt: true } p:
                if (!_vms.TryGetValue((p.TenantId, p.VmName), out var vm))
                {
                    return $"VM '{p.VmName}' no longer exists";
                }

                if (!_keyProviders.TryGetValue(p.ProviderId, out var provider))
                {
                    return $"Key provider '{p.ProviderId}' no longer exists";
                }

                return Blockers(provider, vm) is { Count: > 0 } late
                    ? $"VM '{p.VmName}' cannot be encrypted: {string.Join("; ", late.Select(Describe))} (H4)"
                    : null;
            case SlaAssignmentPlan p:
                foreach (var vmId in p.VmIds)
                {
                    if (!_inventoriedVmIds.Contains(vmId))
                    {
                        return $"Virtual machine '{vmId}' is unknown to the backup inventory: run the catalog job \"{HypervisorInventoryJobName}\" first";
                    }
                }

                return p.PolicyIds.FirstOrDefault(id => !_backupPolicies.ContainsKey(id)) is { } gone ? $"SLA policy '{gone}' no longer exists" : null;
            default:
                return null;
        }
    }

    /// <summary>A step of a multi-step operation; also called with the last step on completion.</summary>
    private void Step(Operation op, int done)
    {
        if (op.Plan is HypervisorUpdatePlan p && _cpools.TryGetValue(p.CpoolId, out var current))
        {
            var hosts = current.Hosts.Select((h, i) => i < done ? h with { EsxiBuild = p.TargetBuild } : h).ToList();
            _cpools[p.CpoolId] = current with { Hosts = hosts, Update = new HypervisorUpdate(op.Id, p.TargetBuild, Math.Min(done, hosts.Count), p.HostsTotal) };
        }
    }

    private void Complete(OperationPlan plan, DateTimeOffset at)
    {
        switch (plan)
        {
            case CreatePlan p:
                SetState(p.Type, p.Id, ProvisioningState.Ready, at);
                break;
            case UpdateCpoolPlan p:
                var cpool = _cpools[p.CpoolId];
                var build = cpool.Hosts[0].EsxiBuild;
                var hosts = Enumerable.Range(0, p.Request.Hosts)
                    .Select(i => i < cpool.Hosts.Count ? cpool.Hosts[i] : new EsxiHost($"{p.CpoolId}-host{i + 1}", build))
                    .ToList();
                _cpools[p.CpoolId] = cpool with
                {
                    Name = p.Request.Name,
                    Hosts = hosts,
                    MemoryGiB = p.MemoryGiB,
                    HighAvailability = p.Request.HighAvailability,
                    AffinityRules = p.Request.AffinityRules ?? [],
                };
                break;
            case UpdateVolumePlan p:
                _volumes[p.VolumeId] = _volumes[p.VolumeId] with { StorageClass = p.StorageClass, SizeGiB = p.SizeGiB };
                if (_volumes[p.VolumeId].Replication?.ReplicaVolumeId is { } replica && _volumes.TryGetValue(replica, out var r))
                {
                    _volumes[replica] = r with { StorageClass = p.StorageClass, SizeGiB = p.SizeGiB };
                }

                break;
            case MountPlan p:
                var volume = _volumes[p.VolumeId];
                _volumes[p.VolumeId] = volume with { CpoolIds = p.Mount ? [.. volume.CpoolIds.Union([p.CpoolId])] : [.. volume.CpoolIds.Where(c => c != p.CpoolId)] };
                break;
            case GlobalMirrorPlan p:
                _volumes[p.ReplicaId] = _volumes[p.ReplicaId] with { State = ProvisioningState.Ready };
                _volumes[p.VolumeId] = _volumes[p.VolumeId] with { Replication = _volumes[p.VolumeId].Replication! with { State = GlobalMirrorState.Consistent, LastSyncTime = at } };
                break;
            case GlobalMirrorFailoverPlan p:
                _volumes[p.VolumeId] = _volumes[p.VolumeId] with { Replication = _volumes[p.VolumeId].Replication! with { State = GlobalMirrorState.FailedOver } };
                _volumes[p.ReplicaId] = _volumes[p.ReplicaId] with { CpoolIds = [p.StandbyCpoolId] };
                break;
            case UpdateVlanPlan p:
                _vlans[p.VlanId] = _vlans[p.VlanId] with
                {
                    Name = p.Request.Name,
                    Zones = [.. p.Request.Zones],
                    CpoolIds = [.. p.Request.CpoolIds ?? []],
                    SharedWithTenantIds = [.. p.Request.SharedWithTenantIds ?? []],
                };
                break;
            case BackupRequestPlan p:
                _backupPolicies[p.PolicyId] = _backupPolicies[p.PolicyId] with { Phase = Entities.BackupPolicyPhase.Active };
                break;
            case BackupAssignmentPlan p:
                var policy = _backupPolicies[p.PolicyId];
                var others = policy.Assignments.Where(a => a.VirtualMachine != p.VmName);
                _backupPolicies[p.PolicyId] = policy with
                {
                    Assignments = p.Assign ? [.. others, new BackupAssignment(p.VmName, [.. p.ExcludedDisks], p.BackupZone)] : [.. others],
                };
                break;
            case SlaAssignmentPlan p:
                CompleteSlaAssignment(p);
                break;
            case InventoryJobPlan p:
                foreach (var vm in _vms.Values.Where(v => v.TenantId == p.TenantId))
                {
                    _inventoriedVmIds.Add(vm.Id);
                }

                break;
            case VmFailoverPlan p:
                var replication = _vmReplications[p.ReplicationId];
                _vmReplications[p.ReplicationId] = replication with { FailedOver = true };
                var key = (replication.TenantId, replication.VirtualMachine);
                if (_vms.TryGetValue(key, out var replicated))
                {
                    _vms[key] = replicated with
                    {
                        CpoolId = replication.TargetCpoolId,
                        HostIndex = 0,
                        DatastoreId = replication.TargetVolumeId,
                        Zone = replication.TargetZone,
                        PowerState = PowerState.PoweredOn,
                    };
                }

                break;
            case ActivateKeyProviderPlan p:
                _keyProviders[p.ProviderId] = _keyProviders[p.ProviderId] with { ActiveCpoolIds = [.. _keyProviders[p.ProviderId].ActiveCpoolIds.Union([p.CpoolId])] };
                break;
            case EncryptionPlan p:
                _vms[(p.TenantId, p.VmName)] = _vms[(p.TenantId, p.VmName)] with { EncryptionProviderId = p.Encrypt ? p.ProviderId : null };
                break;
            case DeletePlan p:
                Remove(p.Type, p.Id);
                break;
            default:
                break;
        }
    }

    // A failed operation leaves nothing of itself. A service request the provider refuses (K2) stays,
    // Refused with the reason, as the provider's answer; a transient failure (injected) is no answer
    // from the provider, so the request is gone as any failed creation is, and may be made again.
    private void Fail(OperationPlan plan, string reason, bool injected)
    {
        switch (plan)
        {
            case CreatePlan p:
                Remove(p.Type, p.Id);
                break;
            case GlobalMirrorPlan p:
                _volumes.Remove(p.ReplicaId);
                _volumes[p.VolumeId] = _volumes[p.VolumeId] with { Replication = null };
                break;
            case BackupRequestPlan p when injected:
                _backupPolicies.Remove(p.PolicyId);
                break;
            case BackupRequestPlan p:
                _backupPolicies[p.PolicyId] = _backupPolicies[p.PolicyId] with { Phase = Entities.BackupPolicyPhase.Refused, RefusalReason = reason };
                break;
            case DeletePlan p:
                SetState(p.Type, p.Id, p.PreviousState, at: null);
                break;
            default:
                break;
        }
    }

    private void CompleteSlaAssignment(SlaAssignmentPlan plan)
    {
        var vms = plan.VmIds.Select(id => _vmKeys.TryGetValue(id, out var key) ? _vms[key] : null).OfType<VirtualMachine>().ToList();
        foreach (var (id, policy) in _backupPolicies.Where(p => p.Value.TenantId == plan.TenantId).ToList())
        {
            var keep = policy.Assignments.Where(a => vms.All(v => v.Name != a.VirtualMachine));
            var added = plan.PolicyIds.Contains(id)
                ? vms.Select(v => policy.Assignments.FirstOrDefault(a => a.VirtualMachine == v.Name)
                    ?? new BackupAssignment(v.Name, [], PlatformCatalog.Zones.First(z => z != v.Zone)))
                : [];
            _backupPolicies[id] = policy with { Assignments = [.. keep, .. added] };
        }
    }

    private void SetState(string type, string id, ProvisioningState state, DateTimeOffset? at)
    {
        switch (type)
        {
            case "cpool": _cpools[id] = _cpools[id] with { State = state }; break;
            case "blockVolume": _volumes[id] = _volumes[id] with { State = state }; break;
            case "vlan": _vlans[id] = _vlans[id] with { State = state }; break;
            case "vmReplication":
                _vmReplications[id] = _vmReplications[id] with
                {
                    State = state,
                    InitialSyncDone = _vmReplications[id].InitialSyncDone ?? (state == ProvisioningState.Ready ? at : null),
                };
                break;
            case "hsmKeyProvider": _keyProviders[id] = _keyProviders[id] with { State = state }; break;
            default: break;
        }
    }
}

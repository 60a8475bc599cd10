using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>VM replication (V1–V5, X1).</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>
    /// Replicates a VM to a standby Cpool and volume: RPO 1–24 h (V1), never for an encrypted VM
    /// (X1), and only where the standby Cpool has the VM's memory free and the volume its disk space (V3).
    /// </summary>
    public Accepted CreateVmReplication(string tenantId, string vmName, string targetCpoolId, string targetVolumeId, int rpoHours)
    {
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            var vm = RequireVm(tenantId, vmName);
            if (rpoHours is < PlatformCatalog.MinimumRpoHours or > PlatformCatalog.MaximumRpoHours)
            {
                throw Refused("V1", $"The RPO of a VM replication is {PlatformCatalog.MinimumRpoHours} to {PlatformCatalog.MaximumRpoHours} hours, not {rpoHours}");
            }

            if (vm.Encrypted)
            {
                throw Refused("X1", $"A VM cannot be both HSM-encrypted and replicated: VM '{vm.Name}' is encrypted");
            }

            var cpool = RequireCpool(targetCpoolId);
            var volume = RequireVolume(targetVolumeId);
            if (cpool.TenantId != tenantId || volume.TenantId != tenantId || volume.Zone != cpool.Zone)
            {
                throw Refused("V3", $"The standby Cpool and volume must belong to the VM's tenant and share a zone; Cpool '{cpool.Name}' is in {cpool.Zone}, volume '{volume.Name}' in {volume.Zone}");
            }

            var incoming = _vmReplications.Values.Where(r => !r.FailedOver).Select(r => (Replication: r, Vm: _vms.GetValueOrDefault((r.TenantId, r.VirtualMachine)))).ToList();
            var freeMemory = cpool.MemoryGiB
                - _vms.Values.Where(v => v.CpoolId == cpool.Id).Sum(v => v.MemoryGiB)
                - incoming.Where(i => i.Replication.TargetCpoolId == cpool.Id).Sum(i => i.Vm?.MemoryGiB ?? 0);
            if (vm.MemoryGiB > freeMemory)
            {
                throw Refused("V3", $"Recovery needs memory reserved at the standby site: Cpool '{cpool.Name}' has {freeMemory} GiB free, VM '{vm.Name}' needs {vm.MemoryGiB} GiB");
            }

            var freeSpace = volume.SizeGiB
                - _vms.Values.Where(v => v.DatastoreId == volume.Id).Sum(v => v.DiskGiB)
                - incoming.Where(i => i.Replication.TargetVolumeId == volume.Id).Sum(i => i.Vm?.DiskGiB ?? 0);
            if (vm.DiskGiB > freeSpace)
            {
                throw Refused("V3", $"Recovery needs the same storage space on the passive site: volume '{volume.Name}' has {freeSpace} GiB free, VM '{vm.Name}' uses {vm.DiskGiB} GiB");
            }

            var id = NewId("vm-replication");
            _vmReplications.Add(id, new VmReplication(id, tenantId, vmName, vm.Zone, cpool.Id, volume.Id, cpool.Zone, rpoHours, InitialSyncDone: null, FailedOver: false, ProvisioningState.Creating));
            return Enqueue(
                $"Replicate VM {vmName} to Cpool {cpool.Name}",
                new ConcernedItem("vmReplication", id),
                _options.VmReplication,
                new CreatePlan("vmReplication", id));
        }
    }

    /// <summary>Activates the mirror VM at the standby site (V4): the VM then runs on the standby Cpool.</summary>
    public Accepted FailoverVmReplication(string replicationId)
    {
        lock (_lock)
        {
            Settle();
            var replication = _vmReplications.GetValueOrDefault(replicationId) ?? throw NotFound("VM replication", replicationId);
            if (replication.InitialSyncDone is null)
            {
                throw Refused("V1", $"The initial copy of VM '{replication.VirtualMachine}' is not finished; there is no mirror to activate yet");
            }

            return Enqueue(
                $"Fail over VM {replication.VirtualMachine}",
                new ConcernedItem("vmReplication", replicationId),
                _options.VmReplication,
                new VmFailoverPlan(replicationId));
        }
    }

    /// <summary>The VM replications of a tenant.</summary>
    public IReadOnlyList<VmReplication> GetVmReplications(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _vmReplications.Values.Where(r => r.TenantId == tenantId)];
        }
    }

    /// <summary>A VM replication with its phase and last sync (V2: a write-heavy VM is Degraded), or null.</summary>
    public VmReplicationReport? GetVmReplication(string id)
    {
        lock (_lock)
        {
            Settle();
            if (!_vmReplications.TryGetValue(id, out var r))
            {
                return null;
            }

            var writeHeavy = _vms.GetValueOrDefault((r.TenantId, r.VirtualMachine))?.WriteHeavy == true;
            var phase = r.FailedOver ? VmReplicationPhase.FailedOver
                : r.InitialSyncDone is null ? VmReplicationPhase.InitialSync
                : writeHeavy ? VmReplicationPhase.Degraded
                : VmReplicationPhase.Replicating;
            DateTimeOffset? lastSync = r.InitialSyncDone;
            if (r.InitialSyncDone is { } done && phase == VmReplicationPhase.Replicating)
            {
                var rpo = TimeSpan.FromHours(r.RpoHours);
                lastSync = done + (rpo * Math.Floor((Now - done) / rpo));
            }

            return new VmReplicationReport(r, phase, lastSync);
        }
    }
}

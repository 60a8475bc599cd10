using CloudTemple.Operator.Entities;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>
/// The backup inventory of the public API (IBM Spectrum Protect Plus): a VM can be given SLA policies
/// only once the catalog job "Hypervisor Inventory" has seen it (cloud-temple-api.md).
/// </summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>The name of the catalog job that makes the backup inventory learn the VMs.</summary>
    public const string HypervisorInventoryJobName = "Hypervisor Inventory";

    private const string CatalogJobPrefix = "catalog-";

    /// <summary>The id of a tenant's "Hypervisor Inventory" catalog job.</summary>
    public static string InventoryJobId(string tenantId) => CatalogJobPrefix + tenantId;

    /// <summary>Runs the tenant's inventory job: on completion, the backup inventory knows every VM the tenant has then.</summary>
    public Accepted RunInventoryJob(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            var jobId = InventoryJobId(tenantId);
            return Enqueue($"Run job {HypervisorInventoryJobName}", new ConcernedItem("job", jobId), _options.InventoryJob, new InventoryJobPlan(tenantId), tenantId: tenantId);
        }
    }

    /// <summary>Whether the backup inventory has seen the VM.</summary>
    public bool IsInventoried(string vmId)
    {
        lock (_lock)
        {
            Settle();
            return _inventoriedVmIds.Contains(vmId);
        }
    }

    /// <summary>
    /// The public API's SLA assignment: each VM's SLA policies become exactly <paramref name="policyIds"/>
    /// (active policies of the tenant). Both lists must be non-empty: an empty list can leave the real
    /// platform's activity waiting forever. The operation fails for a VM the backup inventory has not seen.
    /// </summary>
    public Accepted AssignSlaPolicies(string tenantId, IReadOnlyList<string> vmIds, IReadOnlyList<string> policyIds)
    {
        ArgumentNullException.ThrowIfNull(vmIds);
        ArgumentNullException.ThrowIfNull(policyIds);
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            if (vmIds.Count == 0 || policyIds.Count == 0)
            {
                throw Refused("K3", "An SLA assignment names at least one virtual machine and at least one SLA policy: the policy is set per VM, and an empty list is never sent");
            }

            foreach (var vmId in vmIds)
            {
                if (!_vmKeys.TryGetValue(vmId, out var key) || key.TenantId != tenantId)
                {
                    throw NotFound("Virtual machine", vmId);
                }
            }

            foreach (var policyId in policyIds)
            {
                var policy = _backupPolicies.GetValueOrDefault(policyId);
                if (policy is null || policy.TenantId != tenantId)
                {
                    throw NotFound("SLA policy", policyId);
                }

                if (policy.Phase != BackupPolicyPhase.Active)
                {
                    throw Refused("K2", $"Backup policy '{policy.Name}' is a service request that is not fulfilled (it is {policy.Phase}); it cannot be assigned yet");
                }
            }

            return Enqueue(
                $"Assign SLA policies to {vmIds.Count} virtual machine(s)",
                new ConcernedItem("virtualMachine", vmIds[0]),
                _options.BackupAssignment,
                new SlaAssignmentPlan(tenantId, [.. vmIds], [.. policyIds]),
                tenantId: tenantId);
        }
    }
}

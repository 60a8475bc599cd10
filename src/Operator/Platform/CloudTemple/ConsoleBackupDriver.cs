using System.Collections.Concurrent;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// Backup policies on the console API: a policy is an SLA policy of the backup service
/// (<c>/api/backup/v1/spp/policies</c>); what the API can write is the assignment of SLA policies to
/// VMs — after the inventory job has shown them to the backup service, never with an empty list.
/// Requesting, unassigning and deleting policies, and leaving disks out, are console actions or
/// support requests: they throw <see cref="ManualOrderRequiredException"/> and send nothing.
/// </summary>
internal sealed class ConsoleBackupDriver(PlatformSession session, ConsoleComputeDriver compute) : IBackupDriver
{
    /// <summary>How many inventory runs a VM may need before its absence from the backup inventory counts as a refusal.</summary>
    internal const int MaxInventoryRuns = 3;

    private const string Policies = "api/backup/v1/spp/policies";
    private const string Encrypted = "AES-256 (xts-plain64)";
    private readonly BackupInventory _inventory = new(session);
    private readonly ConcurrentDictionary<string, int> _inventoryRuns = new(StringComparer.Ordinal);

    // The token names the tenant by id only, and a service request is a manual order here: nothing is sent.
    public Task<TenantIdentity?> GetRequesterAsync(CancellationToken cancellationToken = default) => Task.FromResult<TenantIdentity?>(null);

    public Task<PlatformOperation> RequestPolicyAsync(BackupPolicyRequestSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        throw ManualOrders.RequestBackupPolicy(specification);
    }

    public async Task<PlatformOperation> AssignAsync(string policyId, BackupAssignmentSpecification assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (assignment.ExcludedDisks.Count > 0)
        {
            throw ManualOrders.ExcludeDisks(policyId, assignment);
        }

        var vms = await compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        var vm = vms.FirstOrDefault(v => v.Name == assignment.VirtualMachine)
            ?? throw new PlatformRefusedException("K3", $"VM '{assignment.VirtualMachine}' does not exist on the platform");
        var known = await _inventory.FindAsync(vm.Id, cancellationToken).ConfigureAwait(false);
        if (known is null)
        {
            // The backup service has not seen the VM yet: the inventory job first; the assignment follows on a later pass.
            var runs = _inventoryRuns.AddOrUpdate(vm.Id, 1, (_, n) => n + 1);
            if (runs > MaxInventoryRuns)
            {
                _inventoryRuns.TryRemove(vm.Id, out _);
                throw new PlatformRefusedException("K3",
                    $"VM '{vm.Name}' ({vm.Id}) is still not in the backup inventory after {MaxInventoryRuns} runs of the '{BackupInventory.InventoryJobName}' job");
            }

            return await _inventory.RunInventoryJobAsync(cancellationToken).ConfigureAwait(false);
        }

        _inventoryRuns.TryRemove(vm.Id, out _);

        // The VM keeps the policies it has: whether the route adds or replaces, nothing is taken away.
        var policies = (known.SlaPolicies ?? []).Select(p => p.Id).Append(policyId).Distinct(StringComparer.Ordinal).ToList();
        return await _inventory.AssignAsync([vm.Id], policies, cancellationToken).ConfigureAwait(false);
    }

    public Task<PlatformOperation> UnassignAsync(string policyId, string virtualMachine, CancellationToken cancellationToken = default) =>
        throw ManualOrders.Unassign(policyId, virtualMachine);

    public Task<PlatformOperation> DeletePolicyAsync(string policyId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.DeleteBackupPolicy(policyId);

    public async Task<BackupPolicyObservation> GetPolicyAsync(string policyId, CancellationToken cancellationToken = default)
    {
        var policy = await session.ItemAsync<SlaPolicyView>(Policies, policyId, p => p.Id, cancellationToken).ConfigureAwait(false);
        return await ObserveAsync(policy, cancellationToken).ConfigureAwait(false);
    }

    public async Task<BackupPolicyObservation?> FindPolicyByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<SlaPolicyView>(Policies, "backupPolicy", name, p => p.Id, p => p.Name == name, cancellationToken).ConfigureAwait(false);
        return found is null ? null : await ObserveAsync(found, cancellationToken).ConfigureAwait(false);
    }

    public Task<PlatformOperation> RunInventoryJobAsync(CancellationToken cancellationToken = default) =>
        _inventory.RunInventoryJobAsync(cancellationToken);

    public async Task<bool> IsInventoriedAsync(string virtualMachineId, CancellationToken cancellationToken = default) =>
        await _inventory.FindAsync(virtualMachineId, cancellationToken).ConfigureAwait(false) is not null;

    public Task<PlatformOperation> AssignSlaPoliciesAsync(IReadOnlyList<string> virtualMachineIds, IReadOnlyList<string> policyIds, CancellationToken cancellationToken = default) =>
        _inventory.AssignAsync(virtualMachineIds, policyIds, cancellationToken);

    private async Task<BackupPolicyObservation> ObserveAsync(SlaPolicyView policy, CancellationToken cancellationToken)
    {
        // The policy does not list its VMs: each VM the backup inventory knows says which policies it has.
        var assigned = new List<BackupAssignmentObservation>();
        foreach (var vm in await compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false))
        {
            var known = await _inventory.FindAsync(vm.Id, cancellationToken).ConfigureAwait(false);
            if (known?.SlaPolicies?.Any(p => p.Id == policy.Id) == true)
            {
                assigned.Add(new BackupAssignmentObservation(vm.Name, [], BackupZone: null));
            }
        }

        var encrypted = policy.SubPolicies is { Count: > 0 } subs ? subs.All(s => s.UseEncryption) : (bool?)null;
        return new BackupPolicyObservation(
            policy.Id,
            policy.Name,
            BackupPolicyPhase.Active,
            RefusalReason: null,
            assigned,
            encrypted switch { true => Encrypted, false => "None", null => null },
            Immutable: null,
            assigned.Count == 0 ? [] : [new BillingItem(PlatformCatalog.BackupVmSku, assigned.Count, BillingUnit.VM)]);
    }
}

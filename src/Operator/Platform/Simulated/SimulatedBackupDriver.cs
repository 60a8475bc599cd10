using System.Text.Json;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>
/// Backup policies on the simulated platform: the service request and per-VM assignment through the
/// provisioning API; the inventory job, inventory check and SLA assignment through the public
/// <c>/api/backup/v1/spp</c> routes.
/// </summary>
internal sealed class SimulatedBackupDriver(PlatformSession session) : IBackupDriver
{
    private const string Policies = "api/simulator/v1/backup-policies";
    private const string Spp = "api/backup/v1/spp";
    private const string InventoryJobName = "Hypervisor Inventory";

    public Task<PlatformOperation> RequestPolicyAsync(BackupPolicyRequestSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        var r = specification.Retention;
        var body = new
        {
            organizationName = specification.OrganizationName,
            tenantName = specification.TenantName,
            policyName = specification.PolicyName,
            contact = new { name = specification.ContactName, email = specification.ContactEmail, phone = specification.ContactPhone },
            retention = new { days = r.Days, weeks = r.Weeks, months = r.Months, years = r.Years },
        };
        return session.WriteAsync(HttpMethod.Post, Policies, body, new($"backup policy request '{specification.PolicyName}'", "backupPolicy", Name: specification.PolicyName), cancellationToken);
    }

    public Task<PlatformOperation> AssignAsync(string policyId, BackupAssignmentSpecification assignment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var body = new { virtualMachine = assignment.VirtualMachine, excludedDisks = assignment.ExcludedDisks, backupZone = assignment.BackupZone };
        return session.WriteAsync(HttpMethod.Post, Path(policyId) + "/assignments", body, Change($"assignment to VM {assignment.VirtualMachine}", policyId), cancellationToken);
    }

    public Task<PlatformOperation> UnassignAsync(string policyId, string virtualMachine, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Delete, $"{Path(policyId)}/assignments/{Uri.EscapeDataString(virtualMachine)}", null, Change($"unassignment from VM {virtualMachine}", policyId), cancellationToken);

    public Task<PlatformOperation> DeletePolicyAsync(string policyId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Delete, Path(policyId), null, Change("deletion", policyId), cancellationToken);

    public async Task<BackupPolicyObservation> GetPolicyAsync(string policyId, CancellationToken cancellationToken = default)
    {
        var view = await session.GetAsync<BackupPolicyView>(Path(policyId), cancellationToken).ConfigureAwait(false);
        var billing = await session.GetAsync<List<BillingView>>($"api/simulator/v1/resources/{Uri.EscapeDataString(policyId)}/billing", cancellationToken).ConfigureAwait(false);
        return new BackupPolicyObservation(
            view.Id,
            view.Name,
            view.Phase,
            view.RefusalReason,
            [.. (view.Assignments ?? []).Select(a => new BackupAssignmentObservation(a.VirtualMachine, a.ExcludedDisks ?? [], a.BackupZone))],
            view.Encryption,
            view.Immutable,
            Views.Billing(billing));
    }

    public async Task<BackupPolicyObservation?> FindPolicyByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var all = await session.GetAsync<List<BackupPolicyView>>(Policies, cancellationToken).ConfigureAwait(false);
        var found = all.LastOrDefault(p => p.Name == name);
        return found is null ? null : await GetPolicyAsync(found.Id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<PlatformOperation> RunInventoryJobAsync(CancellationToken cancellationToken = default)
    {
        var jobs = await session.GetAsync<List<JobView>>($"{Spp}/jobs?type=catalog", cancellationToken).ConfigureAwait(false);
        var job = jobs.FirstOrDefault(j => j.Name == InventoryJobName)
            ?? throw new PlatformNotFoundException($"The backup service has no catalog job named '{InventoryJobName}'");
        var operation = await session.WriteAsync(HttpMethod.Post, $"{Spp}/jobs/run", new { jobId = job.Id }, new($"run of job '{InventoryJobName}'", "job", ResourceId: job.Id), cancellationToken).ConfigureAwait(false);
        return operation with { ResourceId = operation.ResourceId ?? job.Id };
    }

    public async Task<bool> IsInventoriedAsync(string virtualMachineId, CancellationToken cancellationToken = default)
    {
        try
        {
            await session.GetAsync<JsonElement>($"{Spp}/virtual_machines/{Uri.EscapeDataString(virtualMachineId)}", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PlatformNotFoundException)
        {
            return false;
        }
    }

    public Task<PlatformOperation> AssignSlaPoliciesAsync(IReadOnlyList<string> virtualMachineIds, IReadOnlyList<string> policyIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(virtualMachineIds);
        ArgumentNullException.ThrowIfNull(policyIds);
        if (virtualMachineIds.Count == 0 || policyIds.Count == 0)
        {
            // An empty assignment can leave the activity waiting forever on the real platform: never send one.
            throw new ArgumentException("An SLA assignment names at least one virtual machine and one policy.", nameof(virtualMachineIds));
        }

        var body = new { virtualMachineIds, slaPolicies = policyIds };
        return session.WriteAsync(
            HttpMethod.Post,
            $"{Spp}/policies/assign/virtual_machine",
            body,
            new($"SLA assignment of {string.Join(", ", policyIds)} to {string.Join(", ", virtualMachineIds)}", "virtualMachine", ResourceId: virtualMachineIds[0]),
            cancellationToken);
    }

    private static string Path(string policyId) => $"{Policies}/{Uri.EscapeDataString(policyId)}";

    private static WriteIntent Change(string what, string policyId) => new($"{what} of backup policy {policyId}", "backupPolicy", ResourceId: policyId);
}

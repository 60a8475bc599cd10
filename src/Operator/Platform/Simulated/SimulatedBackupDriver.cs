using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>
/// Backup policies on the simulated platform: the service request and per-VM assignment through the
/// provisioning API; the inventory job, inventory check and SLA assignment through the public
/// <c>/api/backup/v1/spp</c> routes (<see cref="BackupInventory"/>, shared with the console driver).
/// </summary>
internal sealed class SimulatedBackupDriver(PlatformSession session) : IBackupDriver
{
    private const string Policies = "api/simulator/v1/backup-policies";
    private readonly BackupInventory _inventory = new(session);
    private Task<TenantIdentity>? _requester;

    // One driver serves one set of credentials, whose tenant never changes: read once (concurrent
    // first callers share the read), not at every create; a failed read is tried again.
    public async Task<TenantIdentity?> GetRequesterAsync(CancellationToken cancellationToken = default)
    {
        var read = _requester;
        if (read is null || read.IsFaulted || read.IsCanceled)
        {
            var next = ReadRequesterAsync();
            read = Interlocked.CompareExchange(ref _requester, next, read) == read ? next : _requester!;
        }

        return await read.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<TenantIdentity> ReadRequesterAsync()
    {
        var tenant = await session.GetAsync<TenantView>("/api/simulator/v1/tenant", CancellationToken.None).ConfigureAwait(false);
        return new TenantIdentity(tenant.OrganizationName, tenant.TenantName);
    }

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
        var view = await session.ItemAsync<BackupPolicyView>(Policies, policyId, p => p.Id, cancellationToken).ConfigureAwait(false);
        return Observe(view);
    }

    public async Task<BackupPolicyObservation?> FindPolicyByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        // The last request of that name: a refused one may have been requested again.
        var found = await session.FindAsync<BackupPolicyView>(Policies, "backupPolicy", name, p => p.Id, p => p.Name == name, cancellationToken, last: true).ConfigureAwait(false);
        return found is null ? null : Observe(found);
    }

    private static BackupPolicyObservation Observe(BackupPolicyView view) =>
        new(
            view.Id,
            view.Name,
            view.Phase,
            view.RefusalReason,
            [.. (view.Assignments ?? []).Select(a => new BackupAssignmentObservation(a.VirtualMachine, a.ExcludedDisks ?? [], a.BackupZone))],
            view.Encryption,
            view.Immutable,
            Views.Billing(view.Billing));

    public Task<PlatformOperation> RunInventoryJobAsync(CancellationToken cancellationToken = default) =>
        _inventory.RunInventoryJobAsync(cancellationToken);

    public async Task<bool> IsInventoriedAsync(string virtualMachineId, CancellationToken cancellationToken = default) =>
        await _inventory.FindAsync(virtualMachineId, cancellationToken).ConfigureAwait(false) is not null;

    public Task<PlatformOperation> AssignSlaPoliciesAsync(IReadOnlyList<string> virtualMachineIds, IReadOnlyList<string> policyIds, CancellationToken cancellationToken = default) =>
        _inventory.AssignAsync(virtualMachineIds, policyIds, cancellationToken);

    private static string Path(string policyId) => $"{Policies}/{Uri.EscapeDataString(policyId)}";

    private static WriteIntent Change(string what, string policyId) => new($"{what} of backup policy {policyId}", "backupPolicy", ResourceId: policyId);

    private sealed record TenantView(string TenantId, string TenantName, string OrganizationId, string OrganizationName);
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>Backup policies: the service request (K2) and per-VM assignment (K1, K3).</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>
    /// Sends a backup policy service request (K2). A request missing a field is refused at once;
    /// a complete one is pending, then fulfilled (Active) or refused by the provider (Refused, with
    /// the reason), e.g. when the tenant does not belong to the organization named.
    /// </summary>
    public Accepted RequestBackupPolicy(BackupPolicyRequest request) => RequestBackupPolicy(request, requestedBy: null);

    /// <summary>
    /// Sends a backup policy service request on behalf of a tenant (the HTTP service's caller, from its
    /// token): the policy is that tenant's, whatever the body says (G2). A body that names another
    /// organization or tenant than the caller's is refused at once.
    /// </summary>
    public Accepted RequestBackupPolicy(BackupPolicyRequest request, string? requestedBy)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            Settle();
            CheckServiceRequest(request);
            if (requestedBy is not null)
            {
                CheckRequester(request, requestedBy);
            }

            var organization = _organizations.Values.FirstOrDefault(o => o.Name == request.OrganizationName);
            var tenant = _tenants.Values.FirstOrDefault(t => t.Name == request.TenantName && t.OrganizationId == organization?.Id);
            var id = NewId("backup-request");
            _backupPolicies.Add(id, new BackupPolicy(id, request.PolicyName, tenant?.Id, request, BackupPolicyPhase.Requested, RefusalReason: null, []) { RequestedBy = requestedBy });
            return Enqueue(
                $"Backup policy service request {request.PolicyName}",
                new ConcernedItem("backupPolicy", id),
                _options.BackupServiceRequest,
                new BackupRequestPlan(id, request.OrganizationName, request.TenantName, organization is not null, tenant is not null),
                tenantId: tenant?.Id ?? requestedBy);
        }
    }

    /// <summary>
    /// Applies an active policy to a VM, leaving out some of its disks (K3); backups land in
    /// another zone than the VM's (K1): the one asked, or the platform's choice.
    /// </summary>
    public Accepted AssignBackupPolicy(string policyId, string vmName, IReadOnlyList<string>? excludedDisks = null, Zone? backupZone = null)
    {
        lock (_lock)
        {
            Settle();
            var policy = _backupPolicies.GetValueOrDefault(policyId) ?? throw NotFound("Backup policy", policyId);
            if (policy.Phase != BackupPolicyPhase.Active || policy.TenantId is null)
            {
                throw Refused("K2", $"Backup policy '{policy.Name}' is a service request that is not fulfilled (it is {policy.Phase}); it cannot be assigned yet");
            }

            var vm = RequireVm(policy.TenantId, vmName);
            if (backupZone == vm.Zone)
            {
                throw Refused("K1", $"Backups are stored outside the VM's availability zone; {vm.Zone} is the zone of VM '{vm.Name}'");
            }

            var excluded = excludedDisks ?? [];
            if (excluded.FirstOrDefault(d => vm.Disks.All(disk => disk.Name != d)) is { } unknown)
            {
                throw Refused("K3", $"Disk '{unknown}' is not a disk of VM '{vm.Name}', so it cannot be excluded from its backups");
            }

            var zone = backupZone ?? PlatformCatalog.Zones.First(z => z != vm.Zone);
            return Enqueue(
                $"Assign backup policy {policy.Name} to VM {vm.Name}",
                new ConcernedItem("backupPolicy", policyId),
                _options.BackupAssignment,
                new BackupAssignmentPlan(policyId, vmName, [.. excluded], zone, Assign: true));
        }
    }

    /// <summary>Removes a policy from a VM.</summary>
    public Accepted UnassignBackupPolicy(string policyId, string vmName)
    {
        lock (_lock)
        {
            Settle();
            var policy = _backupPolicies.GetValueOrDefault(policyId) ?? throw NotFound("Backup policy", policyId);
            return Enqueue(
                $"Unassign backup policy {policy.Name} from VM {vmName}",
                new ConcernedItem("backupPolicy", policyId),
                _options.BackupAssignment,
                new BackupAssignmentPlan(policyId, vmName, [], Zone.PAR7S, Assign: false));
        }
    }

    /// <summary>A backup policy (its service request), or null.</summary>
    public BackupPolicy? GetBackupPolicy(string id)
    {
        lock (_lock)
        {
            Settle();
            return _backupPolicies.GetValueOrDefault(id);
        }
    }

    /// <summary>Every backup policy service request, in any phase.</summary>
    public IReadOnlyList<BackupPolicy> GetBackupPolicies()
    {
        lock (_lock)
        {
            Settle();
            return [.. _backupPolicies.Values];
        }
    }

    // The caller's token names its tenant; a request cannot speak for another (G2).
    private void CheckRequester(BackupPolicyRequest request, string callerTenantId)
    {
        var tenant = _tenants.GetValueOrDefault(callerTenantId) ?? throw NotFound("Tenant", callerTenantId);
        var organization = _organizations[tenant.OrganizationId];
        if (request.OrganizationName != organization.Name || request.TenantName != tenant.Name)
        {
            throw Refused("G2",
                $"A service request is sent for the caller's own tenant: these credentials are tenant '{tenant.Name}' of organization '{organization.Name}', and the request names tenant '{request.TenantName}' of organization '{request.OrganizationName}'");
        }
    }

    private static void CheckServiceRequest(BackupPolicyRequest request)
    {
        (string Value, string Field)[] required =
        [
            (request.OrganizationName, "the organization name"),
            (request.TenantName, "the tenant name"),
            (request.PolicyName, "the policy name"),
            (request.Contact?.Name ?? string.Empty, "the contact's name"),
            (request.Contact?.Email ?? string.Empty, "the contact's e-mail"),
            (request.Contact?.Phone ?? string.Empty, "the contact's phone"),
        ];
        if (required.FirstOrDefault(r => string.IsNullOrWhiteSpace(r.Value)) is { Field: { } missing })
        {
            throw Refused("K2", $"A backup policy service request carries the organization name, the tenant name, the policy name and a contact (name, e-mail, phone); {missing} is missing");
        }

        var r = request.Retention ?? new BackupRetention(0);
        int[] figures = [r.Days, r.Weeks, r.Months, r.Years];
        if (figures.Any(f => f < 0) || figures.All(f => f == 0))
        {
            throw Refused("K2", "The retention of a backup policy is days, weeks, months and years, each 0 or more, with at least one above 0");
        }
    }
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Platform;

/// <summary>
/// Backup policies: the service request (K2), per-VM assignment (K1, K3), and the public API's SLA
/// assignment sequence: run the "Hypervisor Inventory" job, wait until the backup inventory sees the
/// VM, then assign (never with an empty list).
/// </summary>
public interface IBackupDriver
{
    /// <summary>
    /// The organization and tenant of these credentials: the only ones a service request may name,
    /// since the platform takes the tenant from the token. Null when the platform does not tell.
    /// </summary>
    Task<TenantIdentity?> GetRequesterAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends a backup policy service request; the activity ends when the provider fulfils or refuses it.</summary>
    Task<PlatformOperation> RequestPolicyAsync(BackupPolicyRequestSpecification specification, CancellationToken cancellationToken = default);

    /// <summary>Applies an active policy to one VM, with the disks to leave out and optionally the backup zone.</summary>
    Task<PlatformOperation> AssignAsync(string policyId, BackupAssignmentSpecification assignment, CancellationToken cancellationToken = default);

    /// <summary>Removes a policy from a VM.</summary>
    Task<PlatformOperation> UnassignAsync(string policyId, string virtualMachine, CancellationToken cancellationToken = default);

    /// <summary>Deletes a policy.</summary>
    Task<PlatformOperation> DeletePolicyAsync(string policyId, CancellationToken cancellationToken = default);

    /// <summary>Reads a policy (its service request). Throws <see cref="PlatformNotFoundException"/> when it does not exist.</summary>
    Task<BackupPolicyObservation> GetPolicyAsync(string policyId, CancellationToken cancellationToken = default);

    /// <summary>The policy of this name, or null.</summary>
    Task<BackupPolicyObservation?> FindPolicyByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Runs the catalog job "Hypervisor Inventory" (the first step before an SLA assignment).</summary>
    Task<PlatformOperation> RunInventoryJobAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the backup inventory has seen the VM (a 404 there means not yet).</summary>
    Task<bool> IsInventoriedAsync(string virtualMachineId, CancellationToken cancellationToken = default);

    /// <summary>Assigns SLA policies to VMs through the public route. Both lists must be non-empty: an empty assignment is never sent.</summary>
    Task<PlatformOperation> AssignSlaPoliciesAsync(IReadOnlyList<string> virtualMachineIds, IReadOnlyList<string> policyIds, CancellationToken cancellationToken = default);
}

/// <summary>Who a set of credentials speaks for.</summary>
/// <param name="OrganizationName">The organization's name.</param>
/// <param name="TenantName">The tenant's name.</param>
public sealed record TenantIdentity(string OrganizationName, string TenantName);

/// <summary>A backup policy service request (K2: every field is required).</summary>
/// <param name="OrganizationName">The organization.</param>
/// <param name="TenantName">The tenant.</param>
/// <param name="PolicyName">The policy's name.</param>
/// <param name="ContactName">The contact's name.</param>
/// <param name="ContactEmail">The contact's e-mail.</param>
/// <param name="ContactPhone">The contact's phone.</param>
/// <param name="Retention">The retention.</param>
public sealed record BackupPolicyRequestSpecification(
    string OrganizationName,
    string TenantName,
    string PolicyName,
    string ContactName,
    string ContactEmail,
    string ContactPhone,
    BackupRetentionSpecification Retention);

/// <summary>How long backups are kept.</summary>
/// <param name="Days">Daily backups kept.</param>
/// <param name="Weeks">Weekly backups kept.</param>
/// <param name="Months">Monthly backups kept.</param>
/// <param name="Years">Yearly backups kept.</param>
public sealed record BackupRetentionSpecification(int Days, int Weeks = 0, int Months = 0, int Years = 0);

/// <summary>A policy applied to one VM.</summary>
/// <param name="VirtualMachine">The VM's name.</param>
/// <param name="ExcludedDisks">Disks left out (K3).</param>
/// <param name="BackupZone">Where backups go (never the VM's zone, K1); null for the platform's choice.</param>
public sealed record BackupAssignmentSpecification(string VirtualMachine, IReadOnlyList<string> ExcludedDisks, Zone? BackupZone = null);

/// <summary>A backup policy as observed.</summary>
/// <param name="Id">Its id (the service request's).</param>
/// <param name="Name">Its name.</param>
/// <param name="Phase">Requested, Active or Refused.</param>
/// <param name="RefusalReason">Why the provider refused it, if it did.</param>
/// <param name="Assignments">The VMs it applies to.</param>
/// <param name="Encryption">Backup encryption; null when the platform does not show it.</param>
/// <param name="Immutable">Whether backups are immutable; null when the platform does not show it.</param>
/// <param name="Billing">What it consumes.</param>
public sealed record BackupPolicyObservation(
    string Id,
    string Name,
    BackupPolicyPhase Phase,
    string? RefusalReason,
    IReadOnlyList<BackupAssignmentObservation> Assignments,
    string? Encryption,
    bool? Immutable,
    IReadOnlyList<BillingItem> Billing);

/// <summary>A policy's assignment to one VM.</summary>
/// <param name="VirtualMachine">The VM.</param>
/// <param name="ExcludedDisks">Disks left out.</param>
/// <param name="BackupZone">Where its backups go; null when the platform does not show it.</param>
public sealed record BackupAssignmentObservation(string VirtualMachine, IReadOnlyList<string> ExcludedDisks, Zone? BackupZone);

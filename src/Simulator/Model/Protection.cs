using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>The contact of a backup service request (K2).</summary>
/// <param name="Name">Full name.</param>
/// <param name="Email">E-mail address.</param>
/// <param name="Phone">Phone number.</param>
public sealed record BackupContact(string Name, string Email, string Phone);

/// <summary>Retention of backups: each figure ≥ 0, at least one &gt; 0 (K2).</summary>
/// <param name="Days">Daily backups kept.</param>
/// <param name="Weeks">Weekly backups kept.</param>
/// <param name="Months">Monthly backups kept.</param>
/// <param name="Years">Yearly backups kept.</param>
public sealed record BackupRetention(int Days, int Weeks = 0, int Months = 0, int Years = 0);

/// <summary>A backup policy service request (K2).</summary>
/// <param name="OrganizationName">The requesting organization.</param>
/// <param name="TenantName">The tenant the policy is for.</param>
/// <param name="PolicyName">Name of the policy.</param>
/// <param name="Contact">Who the provider contacts.</param>
/// <param name="Retention">How long backups are kept.</param>
public sealed record BackupPolicyRequest(string OrganizationName, string TenantName, string PolicyName, BackupContact Contact, BackupRetention Retention);

/// <summary>A VM a backup policy applies to (K3), and where its backups land (K1).</summary>
/// <param name="VirtualMachine">VM name.</param>
/// <param name="ExcludedDisks">Disks left out (K3).</param>
/// <param name="BackupZone">Where its backups are stored: never the VM's zone (K1).</param>
public sealed record BackupAssignment(string VirtualMachine, IReadOnlyList<string> ExcludedDisks, Zone BackupZone);

/// <summary>An agentless backup policy, born of a service request (K1–K5).</summary>
/// <param name="Id">Platform id (the service request's).</param>
/// <param name="Name">Policy name.</param>
/// <param name="TenantId">The tenant it is for, when the request named a known one.</param>
/// <param name="Request">The service request as sent.</param>
/// <param name="Phase">Requested (pending), Active (fulfilled) or Refused.</param>
/// <param name="RefusalReason">Why the request was refused.</param>
/// <param name="Assignments">The VMs it applies to.</param>
public sealed record BackupPolicy(
    string Id,
    string Name,
    string? TenantId,
    BackupPolicyRequest Request,
    BackupPolicyPhase Phase,
    string? RefusalReason,
    IReadOnlyList<BackupAssignment> Assignments)
{
    /// <summary>The tenant that sent the request through the service, if any: it may read the request whatever its fate.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>Backups are encrypted with this cipher (K1).</summary>
    public const string Encryption = "AES-256 (xts-plain64)";

    /// <summary>Backups cannot be altered (K1).</summary>
    public const bool Immutable = true;
}

/// <summary>Asynchronous replication of one VM to a standby Cpool and volume (V1–V5).</summary>
/// <param name="Id">Platform id.</param>
/// <param name="TenantId">Owner tenant.</param>
/// <param name="VirtualMachine">The replicated VM.</param>
/// <param name="SourceZone">The VM's zone.</param>
/// <param name="TargetCpoolId">Standby Cpool, with memory reserved for the VM (V3).</param>
/// <param name="TargetVolumeId">Standby volume, with space for the VM (V3).</param>
/// <param name="TargetZone">The standby site's zone.</param>
/// <param name="RpoHours">Interval between deltas, 1–24 h (V1).</param>
/// <param name="InitialSyncDone">When the initial copy ended, if it did.</param>
/// <param name="FailedOver">The mirror VM runs at the standby site (V4).</param>
/// <param name="State">Creating, ready or deleting.</param>
public sealed record VmReplication(
    string Id,
    string TenantId,
    string VirtualMachine,
    Zone SourceZone,
    string TargetCpoolId,
    string TargetVolumeId,
    Zone TargetZone,
    int RpoHours,
    DateTimeOffset? InitialSyncDone,
    bool FailedOver,
    ProvisioningState State);

/// <summary>A VM replication as the platform reports it, with the figures of the moment (V2).</summary>
/// <param name="Replication">The replication.</param>
/// <param name="Phase">InitialSync, Replicating, Degraded (the VM cannot close its snapshots, V2) or FailedOver.</param>
/// <param name="LastSyncTime">When the last delta reached the standby site.</param>
public sealed record VmReplicationReport(VmReplication Replication, VmReplicationPhase Phase, DateTimeOffset? LastSyncTime);

/// <summary>An HSM-backed KMIP key provider (H1–H7).</summary>
/// <param name="Id">Platform id.</param>
/// <param name="Name">Name.</param>
/// <param name="TenantId">Owner tenant.</param>
/// <param name="ActiveCpoolIds">Cpools (VMware stacks) it is activated on.</param>
/// <param name="State">Creating, ready or deleting.</param>
public sealed record HsmKeyProvider(string Id, string Name, string TenantId, IReadOnlyList<string> ActiveCpoolIds, ProvisioningState State)
{
    /// <summary>The HSM (H1).</summary>
    public const string Hsm = "Thales Luna S790 (FIPS 140-3 level 3)";

    /// <summary>The KMS (H1).</summary>
    public const string Kms = "Thales CipherTrust Manager";

    /// <summary>Zones where the HSM service runs (H2).</summary>
    public static IReadOnlyList<Zone> Zones => PlatformCatalog.HsmZones;

    /// <summary>The KMIP endpoint vCenter talks to (H1).</summary>
    public string KmipEndpoint => $"kmip://{Id}.hsm.{PlatformCatalog.Region.ToLowerInvariant()}.cloud-temple.com:5696";
}

/// <summary>The encryption state of one VM under a provider, with the unmet H4 prerequisites.</summary>
/// <param name="VirtualMachine">VM name.</param>
/// <param name="State">Encrypted, Pending or Blocked.</param>
/// <param name="Blockers">The unmet prerequisites (H4).</param>
public sealed record VmEncryptionReport(string VirtualMachine, EncryptionState State, IReadOnlyList<EncryptionBlocker> Blockers);

/// <summary>One line of a resource's bill (X3).</summary>
/// <param name="Sku">The catalog SKU.</param>
/// <param name="Quantity">How many units.</param>
/// <param name="Unit">The unit.</param>
public sealed record BillingLine(string Sku, decimal Quantity, BillingUnit Unit);

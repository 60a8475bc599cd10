using CloudTemple.Operator.Entities.Schema;
using k8s.Models;

namespace CloudTemple.Operator.Entities;

/// <summary>
/// An agentless backup policy (IBM Spectrum Protect Plus) and the VMs it applies to. Backups are
/// stored in another zone, immutable and encrypted (rule K1). A new policy is a service request
/// that is pending, then fulfilled or refused (rule K2).
/// </summary>
[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = "BackupPolicy", PluralName = "backuppolicies")]
[ShortNames("bp")]
[PrinterColumn("Policy", ".spec.policyName")]
[PrinterColumn("Phase", ".status.phase")]
[PrinterColumn("Backup Zone", ".status.backupAvailabilityZone", Priority = 1)]
public sealed class BackupPolicy : CustomResource<BackupPolicySpec, BackupPolicyStatus>;

/// <summary>The desired state of a BackupPolicy.</summary>
public sealed class BackupPolicySpec : ResourceSpec
{
    /// <summary>Name of the policy on the platform. Default: metadata.name.</summary>
    [SchemaLength(1, 128)]
    public string? PolicyName { get; set; }

    /// <summary>Name of the organization requesting the policy (rule K2).</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.TextLength)]
    public string Organization { get; set; } = string.Empty;

    /// <summary>Name of the tenant the policy is for (rule K2).</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.TextLength)]
    public string Tenant { get; set; } = string.Empty;

    /// <summary>Who the provider contacts about the service request (rule K2).</summary>
    [SchemaRequired]
    public BackupContact Contact { get; set; } = new();

    /// <summary>How long backups are kept: each figure at least 0, and at least one above 0 (rule K2).</summary>
    [SchemaRequired]
    public BackupRetention Retention { get; set; } = new();

    /// <summary>VMs the policy is assigned to, each with the disks to leave out (rule K3), unique by name, at most 1,000.</summary>
    [SchemaListMap("name")]
    [SchemaMaxItems(ApiBounds.VirtualMachinesPerObject)]
    public List<BackupVirtualMachine> VirtualMachines { get; set; } = [];
}

/// <summary>The contact of a backup service request.</summary>
public sealed class BackupContact
{
    /// <summary>Full name of the contact.</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.TextLength)]
    public string Name { get; set; } = string.Empty;

    /// <summary>E-mail address of the contact.</summary>
    [SchemaRequired]
    [SchemaLength(3, ApiBounds.EmailLength)]
    [SchemaPattern(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    public string Email { get; set; } = string.Empty;

    /// <summary>Phone number of the contact, international form accepted (e.g. +33 1 23 45 67 89).</summary>
    [SchemaRequired]
    [SchemaLength(6, 26)]
    [SchemaPattern(@"^\+?[0-9][0-9 ().-]{5,24}$")]
    public string Phone { get; set; } = string.Empty;
}

/// <summary>Retention of backups. Each figure is at least 0; at least one is above 0.</summary>
public sealed class BackupRetention
{
    /// <summary>Daily backups kept, in days, at most 36,500 (a century).</summary>
    [SchemaRange(0, ApiBounds.RetentionDays, Rule = "K2")]
    public int Days { get; set; }

    /// <summary>Weekly backups kept, in weeks, at most 5,200 (a century).</summary>
    [SchemaRange(0, ApiBounds.RetentionWeeks, Rule = "K2")]
    public int Weeks { get; set; }

    /// <summary>Monthly backups kept, in months, at most 1,200 (a century).</summary>
    [SchemaRange(0, ApiBounds.RetentionMonths, Rule = "K2")]
    public int Months { get; set; }

    /// <summary>Yearly backups kept, in years, at most 100.</summary>
    [SchemaRange(0, ApiBounds.RetentionYears, Rule = "K2")]
    public int Years { get; set; }
}

/// <summary>A VM the policy applies to.</summary>
public sealed class BackupVirtualMachine
{
    /// <summary>Name of the VM on the platform.</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.VirtualMachineNameLength)]
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// Disks to leave out of the backup, by name (e.g. "Hard disk 2"). A VM that writes constantly
    /// cannot be snapshotted: exclude the disk that takes the writes and back it up another way (rule K3).
    /// At most 256, the most virtual disks of a VM.
    /// </summary>
    [SchemaListSet]
    [SchemaMaxItems(ApiBounds.ExcludedDisksPerVirtualMachine)]
    [SchemaItemLength(1, ApiBounds.DiskNameLength)]
    public List<string> ExcludedDisks { get; set; } = [];
}

/// <summary>The observed state of a BackupPolicy.</summary>
public sealed class BackupPolicyStatus : ResourceStatus
{
    /// <summary>Id of the service request that creates the policy (rule K2).</summary>
    [SchemaLength(0, ApiBounds.NameLength)]
    public string? RequestId { get; set; }

    /// <summary>Requested while the service request is pending, Active once fulfilled, Refused if the provider refused it.</summary>
    public BackupPolicyPhase? Phase { get; set; }

    /// <summary>The zone the backups are stored in: never a VM's own zone (rules K1, X2).</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? BackupAvailabilityZone { get; set; }

    /// <summary>Backups are immutable (rule K1): always true once the policy is active.</summary>
    public bool? Immutable { get; set; }

    /// <summary>Encryption of the backups: AES-256 (xts-plain64) (rule K1).</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? Encryption { get; set; }

    /// <summary>The assignment of the policy to each VM of the spec.</summary>
    [SchemaListMap("name")]
    [SchemaMaxItems(ApiBounds.VirtualMachinesPerObject)]
    public List<VirtualMachineState> VirtualMachines { get; set; } = [];
}

/// <summary>The life cycle of a backup policy's service request.</summary>
public enum BackupPolicyPhase
{
    /// <summary>The service request is pending.</summary>
    Requested,

    /// <summary>The policy exists and can be assigned.</summary>
    Active,

    /// <summary>The provider refused the request.</summary>
    Refused,
}

/// <summary>The state of one VM with respect to a policy.</summary>
public sealed class VirtualMachineState
{
    /// <summary>Name of the VM.</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.VirtualMachineNameLength)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The VM's state, e.g. Assigned, Pending or Failed.</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? State { get; set; }

    /// <summary>Why the VM is in that state, when it is not the expected one.</summary>
    [SchemaLength(0, ApiBounds.MessageLength)]
    public string? Message { get; set; }
}

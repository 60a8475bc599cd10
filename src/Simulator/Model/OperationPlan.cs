using System.Text.Json.Serialization;
using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>
/// What an operation does when it steps, completes or fails, as data rather than a closure, so that
/// operations in flight survive a restart of the service (they are part of <see cref="PlatformSnapshot"/>).
/// Each plan carries only ids and the request's values; its effects read the platform as it is then.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(CreatePlan), "create")]
[JsonDerivedType(typeof(UpdateCpoolPlan), "updateCpool")]
[JsonDerivedType(typeof(HypervisorUpdatePlan), "hypervisorUpdate")]
[JsonDerivedType(typeof(UpdateVolumePlan), "updateVolume")]
[JsonDerivedType(typeof(MountPlan), "mount")]
[JsonDerivedType(typeof(GlobalMirrorPlan), "globalMirror")]
[JsonDerivedType(typeof(GlobalMirrorFailoverPlan), "globalMirrorFailover")]
[JsonDerivedType(typeof(UpdateVlanPlan), "updateVlan")]
[JsonDerivedType(typeof(BackupRequestPlan), "backupRequest")]
[JsonDerivedType(typeof(BackupAssignmentPlan), "backupAssignment")]
[JsonDerivedType(typeof(SlaAssignmentPlan), "slaAssignment")]
[JsonDerivedType(typeof(InventoryJobPlan), "inventoryJob")]
[JsonDerivedType(typeof(VmFailoverPlan), "vmFailover")]
[JsonDerivedType(typeof(ActivateKeyProviderPlan), "activateKeyProvider")]
[JsonDerivedType(typeof(EncryptionPlan), "encryption")]
[JsonDerivedType(typeof(DeletePlan), "delete")]
public abstract record OperationPlan;

/// <summary>Creates a resource: Ready on completion, removed on failure.</summary>
/// <param name="Type">The resource kind, as in <see cref="ConcernedItem.Type"/>.</param>
/// <param name="Id">The resource.</param>
public sealed record CreatePlan(string Type, string Id) : OperationPlan;

/// <summary>Changes a Cpool to the request.</summary>
/// <param name="CpoolId">The Cpool.</param>
/// <param name="Request">The desired state.</param>
/// <param name="MemoryGiB">The reservation, defaulted (C4).</param>
public sealed record UpdateCpoolPlan(string CpoolId, CpoolRequest Request, int MemoryGiB) : OperationPlan;

/// <summary>Rolls the hosts of a Cpool to a build, one per step (C8).</summary>
/// <param name="CpoolId">The Cpool.</param>
/// <param name="TargetBuild">The build.</param>
/// <param name="HostsTotal">Hosts to roll.</param>
public sealed record HypervisorUpdatePlan(string CpoolId, string TargetBuild, int HostsTotal) : OperationPlan;

/// <summary>Grows a volume or changes its class; the replica follows (B12).</summary>
/// <param name="VolumeId">The volume.</param>
/// <param name="StorageClass">The class.</param>
/// <param name="SizeGiB">The size.</param>
public sealed record UpdateVolumePlan(string VolumeId, StorageClass StorageClass, long SizeGiB) : OperationPlan;

/// <summary>Mounts or unmounts a volume on a Cpool.</summary>
/// <param name="VolumeId">The volume.</param>
/// <param name="CpoolId">The Cpool.</param>
/// <param name="Mount">True to mount, false to unmount.</param>
public sealed record MountPlan(string VolumeId, string CpoolId, bool Mount) : OperationPlan;

/// <summary>Sets up Global Mirror to a replica.</summary>
/// <param name="VolumeId">The source.</param>
/// <param name="ReplicaId">The replica.</param>
public sealed record GlobalMirrorPlan(string VolumeId, string ReplicaId) : OperationPlan;

/// <summary>Presents the replica to the standby Cpool (B14).</summary>
/// <param name="VolumeId">The source.</param>
/// <param name="ReplicaId">The replica.</param>
/// <param name="StandbyCpoolId">The standby Cpool.</param>
public sealed record GlobalMirrorFailoverPlan(string VolumeId, string ReplicaId, string StandbyCpoolId) : OperationPlan;

/// <summary>Changes a VLAN.</summary>
/// <param name="VlanId">The VLAN.</param>
/// <param name="Request">The desired state.</param>
public sealed record UpdateVlanPlan(string VlanId, VlanRequest Request) : OperationPlan;

/// <summary>A backup policy service request (K2): fulfilled, or refused with the reason.</summary>
/// <param name="PolicyId">The policy.</param>
/// <param name="OrganizationName">As requested.</param>
/// <param name="TenantName">As requested.</param>
/// <param name="OrganizationKnown">The organization exists.</param>
/// <param name="TenantKnown">The tenant belongs to it.</param>
public sealed record BackupRequestPlan(string PolicyId, string OrganizationName, string TenantName, bool OrganizationKnown, bool TenantKnown) : OperationPlan;

/// <summary>Assigns a policy to a VM, or removes it.</summary>
/// <param name="PolicyId">The policy.</param>
/// <param name="VmName">The VM.</param>
/// <param name="ExcludedDisks">Disks left out (K3).</param>
/// <param name="BackupZone">Where backups land (K1).</param>
/// <param name="Assign">True to assign, false to remove.</param>
public sealed record BackupAssignmentPlan(string PolicyId, string VmName, IReadOnlyList<string> ExcludedDisks, Zone BackupZone, bool Assign) : OperationPlan;

/// <summary>The public API's SLA assignment: the VMs' SLA policies become exactly these.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="VmIds">The VMs.</param>
/// <param name="PolicyIds">The policies.</param>
public sealed record SlaAssignmentPlan(string TenantId, IReadOnlyList<string> VmIds, IReadOnlyList<string> PolicyIds) : OperationPlan;

/// <summary>The "Hypervisor Inventory" catalog job: the backup inventory learns the tenant's VMs.</summary>
/// <param name="TenantId">The tenant.</param>
public sealed record InventoryJobPlan(string TenantId) : OperationPlan;

/// <summary>Activates the mirror VM at the standby site (V4).</summary>
/// <param name="ReplicationId">The replication.</param>
public sealed record VmFailoverPlan(string ReplicationId) : OperationPlan;

/// <summary>Activates a key provider on a Cpool.</summary>
/// <param name="ProviderId">The provider.</param>
/// <param name="CpoolId">The Cpool.</param>
public sealed record ActivateKeyProviderPlan(string ProviderId, string CpoolId) : OperationPlan;

/// <summary>Encrypts (checking H4 again at the end) or decrypts a VM.</summary>
/// <param name="ProviderId">The provider.</param>
/// <param name="TenantId">The VM's tenant.</param>
/// <param name="VmName">The VM.</param>
/// <param name="Encrypt">True to encrypt, false to decrypt.</param>
public sealed record EncryptionPlan(string ProviderId, string TenantId, string VmName, bool Encrypt) : OperationPlan;

/// <summary>Deletes a resource; on failure it goes back to the state it had.</summary>
/// <param name="Type">The resource kind.</param>
/// <param name="Id">The resource.</param>
/// <param name="PreviousState">Its state before the delete.</param>
public sealed record DeletePlan(string Type, string Id, ProvisioningState PreviousState) : OperationPlan;

/// <summary>A fault injected into one operation at the moment it is accepted.</summary>
/// <param name="FailureReason">The operation fails at its end with this reason (a transient platform error); null: it does not.</param>
/// <param name="StuckFor">Extra time the operation stays waiting before it runs.</param>
public sealed record OperationFault(string? FailureReason, TimeSpan StuckFor);

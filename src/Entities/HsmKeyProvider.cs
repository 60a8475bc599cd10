using CloudTemple.Operator.Entities.Schema;
using k8s.Models;

namespace CloudTemple.Operator.Entities;

/// <summary>
/// A KMIP key provider backed by the provider's HSM (Thales Luna) and KMS (CipherTrust Manager),
/// activated on Cpools, that encrypts VMs. Key material never leaves the provider (rule H3).
/// </summary>
[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = "HsmKeyProvider", PluralName = "hsmkeyproviders")]
[ShortNames("hsm")]
[PrinterColumn("Provider", ".status.providerId")]
[PrinterColumn("KMIP Endpoint", ".status.kmipEndpoint", Priority = 1)]
public sealed class HsmKeyProvider : CustomResource<HsmKeyProviderSpec, HsmKeyProviderStatus>;

/// <summary>The desired state of an HsmKeyProvider.</summary>
public sealed class HsmKeyProviderSpec : ResourceSpec
{
    /// <summary>Cpools of this namespace (the VMware stack) the provider is activated on, at most 64.</summary>
    [SchemaListMap("name")]
    [SchemaMaxItems(ApiBounds.CpoolRefs)]
    public List<LocalObjectReference> CpoolRefs { get; set; } = [];

    /// <summary>
    /// Names of the VMs to encrypt with the provider. Each must be powered off, without
    /// snapshots, not replicated, and covered by a subscription (rule H4); a VM cannot be both
    /// encrypted and replicated (rule X1). At most 1,000.
    /// </summary>
    [SchemaListSet]
    [SchemaMaxItems(ApiBounds.VirtualMachinesPerObject)]
    [SchemaItemLength(1, ApiBounds.VirtualMachineNameLength)]
    public List<string> EncryptedVirtualMachines { get; set; } = [];
}

/// <summary>The observed state of an HsmKeyProvider.</summary>
public sealed class HsmKeyProviderStatus : ResourceStatus
{
    /// <summary>Id of the key provider on the platform.</summary>
    [SchemaLength(0, ApiBounds.NameLength)]
    public string? ProviderId { get; set; }

    /// <summary>The KMIP endpoint the Cpools' vCenter talks to.</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? KmipEndpoint { get; set; }

    /// <summary>Zones where the HSM service runs (rule H2).</summary>
    [SchemaMaxItems(ApiBounds.ObservedZones)]
    [SchemaItemLength(1, ApiBounds.TextLength)]
    public List<string> Zones { get; set; } = [];

    /// <summary>The HSM model behind the provider (rule H1).</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? Hsm { get; set; }

    /// <summary>The KMS behind the provider (rule H1).</summary>
    [SchemaLength(0, ApiBounds.TextLength)]
    public string? Kms { get; set; }

    /// <summary>The encryption state of each VM of the spec.</summary>
    [SchemaListMap("name")]
    [SchemaMaxItems(ApiBounds.VirtualMachinesPerObject)]
    public List<EncryptedVirtualMachineState> VirtualMachines { get; set; } = [];
}

/// <summary>The encryption state of one VM.</summary>
public sealed class EncryptedVirtualMachineState
{
    /// <summary>Name of the VM.</summary>
    [SchemaRequired]
    [SchemaLength(1, ApiBounds.VirtualMachineNameLength)]
    public string Name { get; set; } = string.Empty;

    /// <summary>Encrypted, Pending (work in flight) or Blocked (a prerequisite is unmet: see reasons).</summary>
    public EncryptionState? State { get; set; }

    /// <summary>The prerequisites of rule H4 the VM does not meet.</summary>
    [SchemaListSet]
    [SchemaMaxItems(ApiBounds.EncryptionBlockers)]
    public List<EncryptionBlocker> Reasons { get; set; } = [];
}

/// <summary>The encryption state of a VM.</summary>
public enum EncryptionState
{
    /// <summary>The VM is encrypted with the provider's keys.</summary>
    Encrypted,

    /// <summary>Encryption is in progress.</summary>
    Pending,

    /// <summary>A prerequisite is unmet.</summary>
    Blocked,
}

/// <summary>An unmet prerequisite of VM encryption (rule H4).</summary>
public enum EncryptionBlocker
{
    /// <summary>The VM is powered on; it must be powered off.</summary>
    PoweredOn,

    /// <summary>The VM has snapshots; it must have none.</summary>
    HasSnapshots,

    /// <summary>The VM is replicated (VmReplication or a Global Mirror volume); encryption and replication are incompatible (rule X1).</summary>
    Replicated,

    /// <summary>The tenant has no subscription to the HSM service.</summary>
    NotSubscribed,

    /// <summary>The key provider is not active on the VM's Cpool.</summary>
    ProviderNotActive,

    /// <summary>The platform knows no VM of this name in the tenant.</summary>
    NotFound,
}

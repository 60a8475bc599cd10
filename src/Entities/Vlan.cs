using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Entities.Schema;
using k8s.Models;

namespace CloudTemple.Operator.Entities;

/// <summary>A layer-2 network segment (VPLS), isolated from every other VLAN (rule N1).</summary>
[KubernetesEntity(Group = ApiGroup.Name, ApiVersion = ApiGroup.Version, Kind = "Vlan", PluralName = "vlans")]
[ShortNames("vl")]
[PrinterColumn("VLAN ID", ".status.vlanId", "integer")]
[PrinterColumn("Zones", ".spec.availabilityZones")]
public sealed class Vlan : CustomResource<VlanSpec, VlanStatus>;

/// <summary>The desired state of a Vlan. The 802.1Q id is chosen by the platform, never by the user (rule N5).</summary>
public sealed class VlanSpec : ResourceSpec
{
    /// <summary>Availability zones the VLAN spans, at least one (rule N2).</summary>
    [SchemaRequired]
    [SchemaMinItems(1)]
    [SchemaMaxItems(ApiBounds.Zones)]
    [SchemaListSet]
    public List<Zone> AvailabilityZones { get; set; } = [];

    /// <summary>Cpools of this namespace the VLAN is presented to (rule N2), at most 64.</summary>
    [SchemaListMap("name")]
    [SchemaMaxItems(ApiBounds.CpoolRefs)]
    public List<LocalObjectReference> CpoolRefs { get; set; } = [];

    /// <summary>Ids of other tenants of the same organization the VLAN is propagated to, at most 256; never a tenant of another organization (rule N3).</summary>
    [SchemaListSet]
    [SchemaMaxItems(ApiBounds.SharedWithTenants)]
    [SchemaItemLength(1, ApiBounds.NameLength)]
    public List<string> SharedWithTenants { get; set; } = [];
}

/// <summary>The observed state of a Vlan.</summary>
public sealed class VlanStatus : ResourceStatus
{
    /// <summary>The 802.1Q VLAN id (1–4094, unique per tenant) the platform chose (rule N5).</summary>
    [SchemaRange(PlatformCatalog.MinimumVlanId, PlatformCatalog.MaximumVlanId)]
    public int? VlanId { get; set; }

    /// <summary>Zones the VLAN is present in on the platform.</summary>
    [SchemaMaxItems(ApiBounds.Zones)]
    public List<Zone> AvailabilityZones { get; set; } = [];

    /// <summary>Tenants the VLAN is propagated to on the platform, the owner included.</summary>
    [SchemaMaxItems(ApiBounds.VlanTenants)]
    [SchemaItemLength(1, ApiBounds.NameLength)]
    public List<string> Tenants { get; set; } = [];
}

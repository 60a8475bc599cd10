using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>Whether a resource exists yet: created by an operation still running, or ready.</summary>
public enum ProvisioningState
{
    /// <summary>The creating operation is still running; the id is already visible.</summary>
    Creating,

    /// <summary>Created.</summary>
    Ready,

    /// <summary>The deleting operation is running.</summary>
    Deleting,
}

/// <summary>An organization: the customer, owner of tenants (G2).</summary>
/// <param name="Id">Platform id.</param>
/// <param name="Name">Name, as written in service requests (K2).</param>
public sealed record Organization(string Id, string Name);

/// <summary>A tenant of one organization (G2).</summary>
/// <param name="Id">Platform id.</param>
/// <param name="Name">Name.</param>
/// <param name="OrganizationId">The organization it belongs to.</param>
/// <param name="HsmSubscription">Whether the tenant subscribed to HSM encryption (H4).</param>
public sealed record Tenant(string Id, string Name, string OrganizationId, bool HsmSubscription);

/// <summary>Power state of a VM.</summary>
public enum PowerState
{
    /// <summary>Stopped.</summary>
    PoweredOff,

    /// <summary>Running; it has a .vswp file as large as its memory on its datastore (C7).</summary>
    PoweredOn,
}

/// <summary>A virtual disk of a VM.</summary>
/// <param name="Name">Name, e.g. "Hard disk 1".</param>
/// <param name="SizeGiB">Space it takes on the datastore.</param>
public sealed record VirtualDisk(string Name, long SizeGiB);

/// <summary>A VM of the inventory. Names are unique per tenant.</summary>
/// <param name="Name">Name.</param>
/// <param name="TenantId">Owner tenant.</param>
/// <param name="CpoolId">The Cpool it runs on.</param>
/// <param name="HostIndex">The host of the Cpool it runs on (0-based).</param>
/// <param name="DatastoreId">The block volume holding its disks and .vswp.</param>
/// <param name="Zone">Its zone (the Cpool's).</param>
/// <param name="PowerState">Running or stopped.</param>
/// <param name="MemoryGiB">Memory.</param>
/// <param name="Disks">Its disks.</param>
/// <param name="SnapshotCount">Open snapshots.</param>
/// <param name="WriteHeavy">Writes all the time, so it cannot close snapshots (K3, V2).</param>
/// <param name="EncryptionProviderId">The HSM key provider that encrypted it, if any.</param>
public sealed record VirtualMachine(
    string Name,
    string TenantId,
    string CpoolId,
    int HostIndex,
    string DatastoreId,
    Zone Zone,
    PowerState PowerState,
    int MemoryGiB,
    IReadOnlyList<VirtualDisk> Disks,
    int SnapshotCount,
    bool WriteHeavy,
    string? EncryptionProviderId)
{
    /// <summary>Platform id, given when the VM is added to the inventory.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>Space its disks take on the datastore.</summary>
    public long DiskGiB => Disks.Sum(d => d.SizeGiB);

    /// <summary>Whether an HSM key provider encrypted it.</summary>
    public bool Encrypted => EncryptionProviderId is not null;
}

/// <summary>What the tenant asks when a VM is added to the inventory (outside the operator's scope).</summary>
/// <param name="Name">Name, unique per tenant.</param>
/// <param name="CpoolId">The Cpool to run on.</param>
/// <param name="DatastoreId">A volume mounted on that Cpool.</param>
/// <param name="MemoryGiB">Memory.</param>
/// <param name="Disks">Disks.</param>
/// <param name="PowerState">Initial power state.</param>
/// <param name="SnapshotCount">Open snapshots.</param>
/// <param name="WriteHeavy">Writes all the time.</param>
/// <param name="HostIndex">The host; default the least loaded.</param>
public sealed record VirtualMachineRequest(
    string Name,
    string CpoolId,
    string DatastoreId,
    int MemoryGiB,
    IReadOnlyList<VirtualDisk> Disks,
    PowerState PowerState = PowerState.PoweredOff,
    int SnapshotCount = 0,
    bool WriteHeavy = false,
    int? HostIndex = null);

/// <summary>A personal access token: an id and a secret bound to one tenant and one user.</summary>
/// <param name="Id">The token's id.</param>
/// <param name="Secret">Its secret.</param>
/// <param name="TenantId">The tenant it acts for.</param>
/// <param name="UserId">The user it acts as.</param>
public sealed record PersonalAccessToken(string Id, string Secret, string TenantId, string UserId);

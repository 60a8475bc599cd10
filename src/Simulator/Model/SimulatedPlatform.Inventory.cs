namespace CloudTemple.Operator.Simulator.Model;

/// <summary>Organizations, tenants and VMs: the inventory the operator does not manage, set up synchronously.</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>Adds an organization.</summary>
    public Organization AddOrganization(string name)
    {
        lock (_lock)
        {
            var org = new Organization(NewId("org"), name);
            _organizations.Add(org.Id, org);
            return org;
        }
    }

    /// <summary>Adds a tenant to an organization (G2).</summary>
    public Tenant AddTenant(string organizationId, string name, bool hsmSubscription = false)
    {
        lock (_lock)
        {
            if (!_organizations.ContainsKey(organizationId))
            {
                throw NotFound("Organization", organizationId);
            }

            var tenant = new Tenant(NewId("tenant"), name, organizationId, hsmSubscription);
            _tenants.Add(tenant.Id, tenant);
            return tenant;
        }
    }

    /// <summary>An organization, or null.</summary>
    public Organization? GetOrganization(string id)
    {
        lock (_lock)
        {
            return _organizations.GetValueOrDefault(id);
        }
    }

    /// <summary>A tenant, or null.</summary>
    public Tenant? GetTenant(string id)
    {
        lock (_lock)
        {
            return _tenants.GetValueOrDefault(id);
        }
    }

    /// <summary>Adds a VM to a Cpool of the tenant, its disks on a volume that Cpool mounts.</summary>
    public VirtualMachine AddVirtualMachine(string tenantId, VirtualMachineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            var cpool = RequireCpool(request.CpoolId);
            var volume = RequireVolume(request.DatastoreId);
            if (cpool.TenantId != tenantId)
            {
                throw Refused("C3", $"Cpool '{cpool.Name}' belongs to another tenant; a VM runs on a Cpool of its own tenant");
            }

            if (!volume.CpoolIds.Contains(cpool.Id))
            {
                throw Refused("B6", $"Volume '{volume.Name}' is not mounted on Cpool '{cpool.Name}', so it cannot hold the VM's disks");
            }

            if (_vms.ContainsKey((tenantId, request.Name)))
            {
                throw Refused("G2", $"A VM named '{request.Name}' already exists in the tenant");
            }

            if (request.HostIndex is { } index && (index < 0 || index >= cpool.Hosts.Count))
            {
                throw Refused("C1", $"Cpool '{cpool.Name}' has {cpool.Hosts.Count} hosts; host {index} does not exist");
            }

            var host = request.HostIndex ?? Enumerable.Range(0, cpool.Hosts.Count)
                .OrderBy(i => _vms.Values.Where(v => v.CpoolId == cpool.Id && v.HostIndex == i).Sum(v => v.MemoryGiB))
                .First();
            var vm = new VirtualMachine(
                request.Name, tenantId, cpool.Id, host, volume.Id, cpool.Zone, request.PowerState, request.MemoryGiB,
                [.. request.Disks], request.SnapshotCount, request.WriteHeavy, EncryptionProviderId: null);
            _vms.Add((tenantId, vm.Name), vm);
            return vm;
        }
    }

    /// <summary>Powers a VM on or off.</summary>
    public VirtualMachine SetPowerState(string tenantId, string vmName, PowerState powerState) =>
        UpdateVm(tenantId, vmName, vm => vm with { PowerState = powerState });

    /// <summary>Sets how many snapshots a VM has open.</summary>
    public VirtualMachine SetSnapshotCount(string tenantId, string vmName, int snapshots) =>
        UpdateVm(tenantId, vmName, vm => vm with { SnapshotCount = snapshots });

    /// <summary>A VM by tenant and name, or null.</summary>
    public VirtualMachine? GetVirtualMachine(string tenantId, string vmName)
    {
        lock (_lock)
        {
            Settle();
            return _vms.GetValueOrDefault((tenantId, vmName));
        }
    }

    /// <summary>The VMs of a tenant, by name.</summary>
    public IReadOnlyList<VirtualMachine> GetVirtualMachines(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _vms.Values.Where(v => v.TenantId == tenantId).OrderBy(v => v.Name, StringComparer.Ordinal)];
        }
    }

    private VirtualMachine UpdateVm(string tenantId, string vmName, Func<VirtualMachine, VirtualMachine> change)
    {
        lock (_lock)
        {
            Settle();
            var vm = RequireVm(tenantId, vmName);
            var updated = change(vm);
            _vms[(tenantId, vmName)] = updated;
            return updated;
        }
    }

    private Tenant RequireTenant(string id) => _tenants.GetValueOrDefault(id) ?? throw NotFound("Tenant", id);

    private VirtualMachine RequireVm(string tenantId, string name) =>
        _vms.GetValueOrDefault((tenantId, name)) ?? throw NotFound("Virtual machine", name);

    private Cpool RequireCpool(string id) =>
        _cpools.TryGetValue(id, out var c) && c.State != ProvisioningState.Deleting ? c : throw NotFound("Cpool", id);

    private BlockVolume RequireVolume(string id) =>
        _volumes.TryGetValue(id, out var v) && v.State != ProvisioningState.Deleting ? v : throw NotFound("Block volume", id);

    /// <summary>Whether a VM is replicated: by a VM replication, or on a Global Mirror volume (X1).</summary>
    private bool IsReplicated(VirtualMachine vm) =>
        _vmReplications.Values.Any(r => r.TenantId == vm.TenantId && r.VirtualMachine == vm.Name)
        || _volumes.GetValueOrDefault(vm.DatastoreId)?.Replication is not null;
}

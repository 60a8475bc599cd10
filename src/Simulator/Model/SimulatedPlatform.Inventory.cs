namespace CloudTemple.Operator.Simulator.Model;

/// <summary>Organizations, tenants and VMs: the inventory the operator does not manage, set up synchronously.</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>Adds an organization, with the id given or a new one.</summary>
    public Organization AddOrganization(string name, string? id = null)
    {
        lock (_lock)
        {
            var org = new Organization(id ?? NewId("org"), name);
            _organizations.Add(org.Id, org);
            Changed();
            return org;
        }
    }

    /// <summary>Adds a tenant to an organization (G2).</summary>
    public Tenant AddTenant(string organizationId, string name, bool hsmSubscription = false, string? id = null)
    {
        lock (_lock)
        {
            if (!_organizations.ContainsKey(organizationId))
            {
                throw NotFound("Organization", organizationId);
            }

            var tenant = new Tenant(id ?? NewId("tenant"), name, organizationId, hsmSubscription);
            _tenants.Add(tenant.Id, tenant);
            Changed();
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

    /// <summary>The tenants of an organization (N3: a VLAN may reach these, and no others).</summary>
    public IReadOnlyList<Tenant> GetTenantsOf(string organizationId)
    {
        lock (_lock)
        {
            return [.. _tenants.Values.Where(t => t.OrganizationId == organizationId).OrderBy(t => t.Id, StringComparer.Ordinal)];
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
                throw Conflict("G2", $"A VM named '{request.Name}' already exists in the tenant");
            }

            if (request.HostIndex is { } index && (index < 0 || index >= cpool.Hosts.Count))
            {
                throw Refused("C1", $"Cpool '{cpool.Name}' has {cpool.Hosts.Count} hosts; host {index} does not exist");
            }

            var host = request.HostIndex ?? LeastLoadedHost(cpool);
            var vm = new VirtualMachine(
                request.Name, tenantId, cpool.Id, host, volume.Id, cpool.Zone, request.PowerState, request.MemoryGiB,
                [.. request.Disks], request.SnapshotCount, request.WriteHeavy, EncryptionProviderId: null)
            { Id = NewId("vm") };
            _vms.Add((tenantId, vm.Name), vm);
            _vmKeys.Add(vm.Id, (tenantId, vm.Name));
            Changed();
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
            Changed();
            return updated;
        }
    }

    /// <summary>A VM by its platform id, or null.</summary>
    public VirtualMachine? GetVirtualMachineById(string vmId)
    {
        lock (_lock)
        {
            Settle();
            return _vmKeys.TryGetValue(vmId, out var key) ? _vms[key] : null;
        }
    }

    /// <summary>Gives a tenant a personal access token (id + secret) acting as a user.</summary>
    public PersonalAccessToken AddPersonalAccessToken(string tenantId, string id, string secret, string? userId = null)
    {
        lock (_lock)
        {
            RequireTenant(tenantId);
            var token = new PersonalAccessToken(id, secret, tenantId, userId ?? NewId("user"));
            _tokens.Add(id, token);
            Changed();
            return token;
        }
    }

    /// <summary>The personal access token with this id and secret (compared in constant time), or null.</summary>
    public PersonalAccessToken? FindPersonalAccessToken(string id, string secret)
    {
        lock (_lock)
        {
            return _tokens.TryGetValue(id, out var token)
                && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(token.Secret), System.Text.Encoding.UTF8.GetBytes(secret))
                ? token
                : null;
        }
    }

    /// <summary>
    /// Whether a resource exists (any kind, VMs and catalog jobs included), and the tenant that owns
    /// it: (false, null) when unknown; an owner of null means no tenant can claim it.
    /// </summary>
    public (bool Exists, string? TenantId) GetOwner(string resourceId)
    {
        lock (_lock)
        {
            Settle();
            var owner = OwnerOf(resourceId);
            return (owner is not null || TypeOf(resourceId) is not null || _vmKeys.ContainsKey(resourceId), owner);
        }
    }

    private string? OwnerOf(string id) =>
        _cpools.TryGetValue(id, out var c) ? c.TenantId
        : _volumes.TryGetValue(id, out var v) ? v.TenantId
        : _vlans.TryGetValue(id, out var l) ? l.TenantId
        : _backupPolicies.TryGetValue(id, out var b) ? b.TenantId ?? b.RequestedBy
        : _vmReplications.TryGetValue(id, out var r) ? r.TenantId
        : _keyProviders.TryGetValue(id, out var k) ? k.TenantId
        : _vmKeys.TryGetValue(id, out var key) ? key.TenantId
        : id.StartsWith(CatalogJobPrefix, StringComparison.Ordinal) ? id[CatalogJobPrefix.Length..]
        : null;

    private int LeastLoadedHost(Cpool cpool)
    {
        var load = new int[cpool.Hosts.Count];
        foreach (var vm in _vms.Values)
        {
            if (vm.CpoolId == cpool.Id && vm.HostIndex < load.Length)
            {
                load[vm.HostIndex] += vm.MemoryGiB;
            }
        }

        return Array.IndexOf(load, load.Min());
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

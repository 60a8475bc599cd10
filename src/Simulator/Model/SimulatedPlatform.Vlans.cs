namespace CloudTemple.Operator.Simulator.Model;

/// <summary>VLANs (N2, N3, N5).</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>Creates a VLAN; the platform chooses its 802.1Q id (N5).</summary>
    public Accepted CreateVlan(string tenantId, VlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            CheckVlan(tenantId, request);
            var taken = _vlans.Values.Where(v => v.TenantId == tenantId).Select(v => v.Dot1QId).ToHashSet();
            var dot1Q = Enumerable.Range(Vlan.MinimumDot1QId, Vlan.MaximumDot1QId).FirstOrDefault(i => !taken.Contains(i));
            if (dot1Q == 0)
            {
                throw Refused("N5", $"Every 802.1Q id from {Vlan.MinimumDot1QId} to {Vlan.MaximumDot1QId} is already used by the tenant; the id is unique per tenant");
            }

            var id = NewId("vlan");
            _vlans.Add(id, new Vlan(id, request.Name, tenantId, dot1Q, [.. request.Zones], [.. request.CpoolIds ?? []], [.. request.SharedWithTenantIds ?? []], ProvisioningState.Creating));
            return Enqueue(
                $"Create VLAN {request.Name}",
                new ConcernedItem("vlan", id),
                _options.Vlan,
                new CreatePlan("vlan", id));
        }
    }

    /// <summary>Changes a VLAN's zones, Cpools and sharing; its 802.1Q id stays (N5).</summary>
    public Accepted UpdateVlan(string vlanId, VlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            Settle();
            var vlan = _vlans.GetValueOrDefault(vlanId) ?? throw NotFound("VLAN", vlanId);
            CheckVlan(vlan.TenantId, request);
            return Enqueue(
                $"Update VLAN {vlan.Name}",
                new ConcernedItem("vlan", vlanId),
                _options.Vlan,
                new UpdateVlanPlan(vlanId, request));
        }
    }

    /// <summary>A VLAN, or null.</summary>
    public Vlan? GetVlan(string id)
    {
        lock (_lock)
        {
            Settle();
            return _vlans.GetValueOrDefault(id);
        }
    }

    /// <summary>The VLANs of a tenant.</summary>
    public IReadOnlyList<Vlan> GetVlans(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _vlans.Values.Where(v => v.TenantId == tenantId)];
        }
    }

    /// <summary>The VLANs of other tenants propagated to this one (N3).</summary>
    public IReadOnlyList<Vlan> GetVlansSharedWith(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _vlans.Values.Where(v => v.SharedWithTenantIds.Contains(tenantId))];
        }
    }

    private void CheckVlan(string tenantId, VlanRequest request)
    {
        if (request.Dot1QId is { } asked)
        {
            throw Refused("N5", $"The 802.1Q VLAN id is chosen by the platform, never by the tenant; the request asks {asked}");
        }

        if (request.Zones.Count == 0)
        {
            throw Refused("N2", "A VLAN spans at least one availability zone");
        }

        foreach (var cpoolId in request.CpoolIds ?? [])
        {
            var cpool = RequireCpool(cpoolId);
            if (cpool.TenantId != tenantId || !request.Zones.Contains(cpool.Zone))
            {
                throw Refused("N2", $"A VLAN reaches only Cpools of its own tenant in its zones; Cpool '{cpool.Name}' is not one of them");
            }
        }

        var organization = _tenants[tenantId].OrganizationId;
        foreach (var shared in request.SharedWithTenantIds ?? [])
        {
            var other = RequireTenant(shared);
            if (other.OrganizationId != organization)
            {
                throw Refused("N3", $"A VLAN can be propagated to other tenants of the same organization, never to another organization; tenant '{other.Name}' belongs to another organization");
            }
        }
    }
}

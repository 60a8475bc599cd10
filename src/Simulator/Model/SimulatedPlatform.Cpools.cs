using CloudTemple.Operator.Entities.Catalog;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>Cpools: create, change, roll hypervisor updates (C1–C10).</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>The ESXi build new hosts run.</summary>
    public const string InitialEsxiBuild = "24585383";

    /// <summary>Creates a Cpool (C1, C4).</summary>
    public Accepted CreateCpool(string tenantId, CpoolRequest request) => CreateCpool(tenantId, request, id: null);

    /// <summary>
    /// Creates a Cpool with a fixed id, as an inventory of existing resources does, so that
    /// manifests can adopt it by spec.externalId.
    /// </summary>
    public Accepted CreateCpool(string tenantId, CpoolRequest request, string? id)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            Settle();
            RequireTenant(tenantId);
            var memory = CheckCpoolFigures(request);
            if (id is not null && (_cpools.ContainsKey(id) || _volumes.ContainsKey(id) || _vlans.ContainsKey(id)))
            {
                throw new ArgumentException($"The id {id} is taken.", nameof(id));
            }

            id ??= NewId("cpool");
            var hosts = Enumerable.Range(0, request.Hosts).Select(i => new EsxiHost($"{id}-host{i + 1}", InitialEsxiBuild)).ToList();
            _cpools.Add(id, new Cpool(
                id, request.Name, tenantId, request.Zone, request.BladeType, hosts, memory, request.HighAvailability,
                request.AffinityRules ?? [], ProvisioningState.Creating, Update: null));
            return Enqueue(
                $"Create Cpool {request.Name}",
                new ConcernedItem("cpool", id),
                _options.Cpool,
                new CreatePlan("cpool", id));
        }
    }

    /// <summary>Changes a Cpool to the request: hosts, memory, HA, affinity rules. Blade and zone cannot change (C2, C3).</summary>
    public Accepted UpdateCpool(string cpoolId, CpoolRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            Settle();
            var cpool = RequireCpool(cpoolId);
            if (request.BladeType != cpool.BladeType)
            {
                throw Refused("C2", $"The blade type of a Cpool cannot change in place: Cpool '{cpool.Name}' is {Code(cpool.BladeType)}, the request asks {Code(request.BladeType)}");
            }

            if (request.Zone != cpool.Zone)
            {
                throw Refused("C3", $"A Cpool lives in exactly one availability zone, which cannot change: Cpool '{cpool.Name}' is in {cpool.Zone}, the request asks {request.Zone}");
            }

            var memory = CheckCpoolFigures(request);
            return Enqueue(
                $"Update Cpool {cpool.Name}",
                new ConcernedItem("cpool", cpoolId),
                _options.Cpool,
                new UpdateCpoolPlan(cpoolId, request, memory));        }
    }

    /// <summary>Rolls the Cpool's hosts to an ESXi build, one host at a time; needs at least 2 hosts (C8).</summary>
    public Accepted UpdateHypervisor(string cpoolId, string targetBuild)
    {
        lock (_lock)
        {
            Settle();
            var cpool = RequireCpool(cpoolId);
            if (cpool.Hosts.Count < PlatformCatalog.HighAvailabilityMinimumHosts)
            {
                throw Refused("C8", $"A hypervisor update needs at least {PlatformCatalog.HighAvailabilityMinimumHosts} hosts so they can be rolled one at a time; Cpool '{cpool.Name}' has {cpool.Hosts.Count}");
            }

            var total = cpool.Hosts.Count;
            var accepted = Enqueue(
                $"Update hypervisor of Cpool {cpool.Name} to build {targetBuild}",
                new ConcernedItem("cpool", cpoolId),
                _options.HypervisorUpdatePerHost * total,
                new HypervisorUpdatePlan(cpoolId, targetBuild, total),
                steps: total);
            var opId = accepted.OperationId;
            if (_operationsById[opId].State != OperationState.Completed)
            {
                _cpools[cpoolId] = _cpools[cpoolId] with { Update = new HypervisorUpdate(opId, targetBuild, 0, total) };
            }
            else
            {
                _cpools[cpoolId] = _cpools[cpoolId] with { Update = new HypervisorUpdate(opId, targetBuild, total, total) };
            }

            return accepted;
        }
    }

    /// <summary>A Cpool, or null.</summary>
    public Cpool? GetCpool(string id)
    {
        lock (_lock)
        {
            Settle();
            return _cpools.GetValueOrDefault(id);
        }
    }

    /// <summary>The Cpools of a tenant.</summary>
    public IReadOnlyList<Cpool> GetCpools(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _cpools.Values.Where(c => c.TenantId == tenantId)];
        }
    }

    /// <summary>
    /// Memory use of each host: the memory of the VMs it runs against its share of the Cpool's
    /// reservation, and whether the average is above 85 % (C6).
    /// </summary>
    public CpoolUsage GetCpoolUsage(string cpoolId)
    {
        lock (_lock)
        {
            Settle();
            var cpool = RequireCpool(cpoolId);
            var vms = _vms.Values.Where(v => v.CpoolId == cpoolId).ToList();
            var reserved = (decimal)cpool.MemoryGiB / cpool.Hosts.Count;
            var hosts = cpool.Hosts.Select((h, i) =>
            {
                var used = vms.Where(v => v.HostIndex == i).Sum(v => v.MemoryGiB);
                return new HostMemoryUse(h.Id, used, reserved, decimal.Round(used * 100m / reserved, 1));
            }).ToList();
            var average = decimal.Round(hosts.Average(h => h.UsePercent), 1);
            return new CpoolUsage(hosts, average, vms.Count, average > PlatformCatalog.MemoryPressurePercent);
        }
    }

    private static int CheckCpoolFigures(CpoolRequest request)
    {
        if (request.Hosts is < PlatformCatalog.MinimumHosts or > PlatformCatalog.MaximumHosts)
        {
            throw Refused("C1", $"A Cpool has {PlatformCatalog.MinimumHosts} to {PlatformCatalog.MaximumHosts} hosts, not {request.Hosts}; more than {PlatformCatalog.MaximumHosts} needs a second Cpool");
        }

        var min = PlatformCatalog.MinimumMemoryGiB(request.Hosts);
        var max = PlatformCatalog.MaximumMemoryGiB(request.BladeType, request.Hosts);
        var memory = request.MemoryGiB ?? min;
        if (memory < min || memory > max)
        {
            throw Refused("C4", $"The memory reservation of {request.Hosts} {Code(request.BladeType)} hosts must be between {min} GiB (hosts × {PlatformCatalog.MinimumMemoryPerHostGiB} GiB) and {max} GiB (hosts × blade RAM), not {memory} GiB");
        }

        return memory;
    }

    private static string Code(BladeType blade) => PlatformCatalog.Blade(blade).Code;
}

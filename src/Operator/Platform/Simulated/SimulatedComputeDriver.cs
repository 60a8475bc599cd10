using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>
/// Cpools on the simulated platform, through its provisioning API: one read gives the Cpool with its
/// usage and billing (the console API's host cluster route is what the console driver reads).
/// </summary>
internal sealed class SimulatedComputeDriver(PlatformSession session) : IComputeDriver
{
    private const string Cpools = "api/simulator/v1/cpools";

    public Task<PlatformOperation> CreateCpoolAsync(CpoolSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        return session.WriteAsync(HttpMethod.Post, Cpools, Body(specification), new($"create cpool '{specification.Name}'", "cpool", Name: specification.Name), cancellationToken);
    }

    public Task<PlatformOperation> UpdateCpoolAsync(string cpoolId, CpoolSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        return session.WriteAsync(HttpMethod.Put, $"{Cpools}/{Escape(cpoolId)}", Body(specification), new($"update of cpool {cpoolId}", "cpool", ResourceId: cpoolId), cancellationToken);
    }

    public Task<PlatformOperation> UpdateHypervisorAsync(string cpoolId, string build, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, $"{Cpools}/{Escape(cpoolId)}/hypervisor-update", new { build }, new($"hypervisor update of cpool {cpoolId} to {build}", "cpool", ResourceId: cpoolId), cancellationToken);

    public Task<PlatformOperation> DeleteCpoolAsync(string cpoolId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Delete, $"{Cpools}/{Escape(cpoolId)}", null, new($"deletion of cpool {cpoolId}", "cpool", ResourceId: cpoolId), cancellationToken);

    public async Task<CpoolObservation> GetCpoolAsync(string cpoolId, CancellationToken cancellationToken = default)
    {
        var view = await session.ItemAsync<CpoolView>(Cpools, cpoolId, v => v.Id, cancellationToken).ConfigureAwait(false);
        return Observe(view);
    }

    public async Task<CpoolObservation?> FindCpoolByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<CpoolView>(Cpools, "cpool", name, c => c.Id, c => c.Name == name && c.State != ResourceState.Deleting, cancellationToken).ConfigureAwait(false);
        return found is null ? null : Observe(found);
    }

    public async Task<IReadOnlyList<VirtualMachineObservation>> GetVirtualMachinesAsync(CancellationToken cancellationToken = default)
    {
        var vms = await session.ListAllAsync<VirtualMachineView>("api/simulator/v1/virtual-machines", cancellationToken).ConfigureAwait(false);
        return [.. vms.Select(v => new VirtualMachineObservation(
            v.Id,
            v.Name,
            v.CpoolId,
            v.DatastoreId,
            v.Zone,
            string.Equals(v.PowerState, "PoweredOn", StringComparison.OrdinalIgnoreCase),
            v.MemoryGiB,
            [.. (v.Disks ?? []).Select(d => d.Name)],
            v.SnapshotCount,
            v.EncryptionProviderId))];
    }

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private static object Body(CpoolSpecification s) => new
    {
        name = s.Name,
        zone = s.Zone,
        bladeType = s.BladeType,
        hosts = s.Hosts,
        memoryGiB = s.MemoryGiB,
        highAvailability = s.HighAvailability,
        affinityRules = (s.AffinityRules ?? []).Select(r => new { name = r.Name, type = r.Type, enabled = r.Enabled, virtualMachines = r.VirtualMachines }).ToList(),
    };

    private static CpoolObservation Observe(CpoolView view) => new(
        view.Id,
        view.Name,
        view.Zone,
        view.BladeType,
        view.Hosts.Count,
        view.MemoryGiB,
        view.MemoryMinGiB,
        view.MemoryMaxGiB,
        view.Usage?.AverageUsePercent ?? 0,
        view.Usage?.MemoryPressure ?? false,
        view.Gpus,
        view.HighAvailability,
        view.HighAvailabilityApplicable,
        view.HypervisorBuild,
        view.Update is { } u ? new HypervisorUpdateProgress(u.TargetBuild, u.HostsDone, u.HostsTotal) : null,
        view.Usage?.VirtualMachines ?? 0,
        [.. (view.AffinityRules ?? []).Select(r => new AffinityRuleSpecification(r.Name, r.Type, r.Enabled, r.VirtualMachines))],
        view.State,
        Views.Billing(view.Billing));
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Cpools;

/// <summary>
/// A Cpool on a platform whose API can do everything (the simulated one): created with its shape,
/// then changed one write per pass — hosts, memory, HA and affinity rules first, then the roll of the
/// hosts to spec.hypervisorBuild (C8) — and deleted. The zone (C3) and the blade type (C2) never
/// change in place. A Cpool whose hosts are still being rolled is busy.
/// </summary>
public class CpoolClient(IPlatform platform, ReconcileContext<Cpool> context, ResolvedReferences references)
    : ExternalClient<Cpool, CpoolObservation>(context, references)
{
    // vSphere HA is on unless asked otherwise: what a cluster has when the platform does not say.
    private const bool PlatformDefaultHighAvailability = true;

    protected IComputeDriver Compute { get; } = platform.Compute;

    public override async Task<Observation<CpoolObservation>?> ObserveAsync(string id, CancellationToken cancellationToken) =>
        Observe(await OrNullAsync(Compute.GetCpoolAsync(id, cancellationToken)).ConfigureAwait(false));

    public override async Task<Observation<CpoolObservation>?> FindAsync(CancellationToken cancellationToken) =>
        Observe(await Compute.FindCpoolByNameAsync(Entity.Metadata.Name, cancellationToken).ConfigureAwait(false));

    public override Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken) =>
        Compute.CreateCpoolAsync(Specification(), cancellationToken);

    public override IAsyncEnumerable<Change> PlanAsync(Observation<CpoolObservation> observed, CancellationToken cancellationToken)
    {
        var (cpool, desired) = (observed.Resource, Specification());
        var plan = new List<Change>();
        var inLine = desired.Hosts == cpool.Hosts
            && desired.MemoryGiB == cpool.MemoryGiB
            && desired.HighAvailability == (cpool.HighAvailability ?? PlatformDefaultHighAvailability)
            && SameRules(desired.AffinityRules ?? [], cpool.AffinityRules ?? []);
        if (!inLine)
        {
            plan.Add(new Change("Updating", $"Updating Cpool {cpool.Id}'s hosts, memory, high availability and affinity rules to the spec's", ct => Compute.UpdateCpoolAsync(cpool.Id, desired, ct))
            {
                ManualOrder = ShapeOrder(cpool, desired),
            });
        }

        // One change at a time: the hosts are rolled to the build once the cluster has its shape (C8).
        if (Entity.Spec.HypervisorBuild is { } build && !string.Equals(build, cpool.HypervisorBuild, StringComparison.Ordinal))
        {
            plan.Add(new Change("HypervisorUpdate", $"Rolling the {cpool.Hosts} hosts of Cpool {cpool.Id} to ESXi build {build}, one at a time", ct => Compute.UpdateHypervisorAsync(cpool.Id, build, ct))
            {
                ManualOrder = HypervisorOrder(cpool.Id, build),
            });
        }

        return plan.ToAsyncEnumerable();
    }

    public override Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Compute.DeleteCpoolAsync(id, cancellationToken);

    public override void Report(Observation<CpoolObservation> observed)
    {
        var (cpool, status) = (observed.Resource, Entity.Status!);
        status.Hosts = cpool.Hosts;
        status.MemoryGiB = (int)cpool.MemoryGiB;
        status.MemoryMaxGiB = cpool.MemoryMaxGiB;
        status.MemoryUsagePercent = (int)decimal.Round(cpool.MemoryUsagePercent, MidpointRounding.AwayFromZero);
        status.Gpus = cpool.Gpus;
        status.HypervisorBuild = cpool.HypervisorBuild ?? status.HypervisorBuild;
        status.VirtualMachines = cpool.VirtualMachines;
        status.Billing = Billing(cpool.Billing);

        CpoolConditions.ReportHighAvailability(Conditions, cpool);
        CpoolConditions.ReportMemoryPressure(Conditions, cpool);
        CpoolConditions.ReportAffinityRules(Conditions, cpool);
    }

    /// <summary>The order to place for a change of hosts, memory, HA or affinity rules the API cannot make; null: the API makes it.</summary>
    protected virtual string? ShapeOrder(CpoolObservation current, CpoolSpecification desired) => null;

    /// <summary>The order to place for a hypervisor roll the API cannot make; null: the API makes it.</summary>
    protected virtual string? HypervisorOrder(string cpoolId, string build) => null;

    /// <summary>The Cpool the spec asks for, memory defaulting to the minimum of its hosts (C4).</summary>
    protected CpoolSpecification Specification()
    {
        var spec = Entity.Spec;
        return new CpoolSpecification(
            Entity.Metadata.Name,
            spec.AvailabilityZone,
            spec.BladeType,
            spec.Hosts,
            spec.MemoryGiB ?? PlatformCatalog.MinimumMemoryGiB(spec.Hosts),
            spec.HighAvailability,
            [.. spec.AffinityRules.Select(r => new AffinityRuleSpecification(r.Name, r.Type, r.Enabled, [.. r.VirtualMachines]))]);
    }

    private Observation<CpoolObservation>? Observe(CpoolObservation? cpool) =>
        cpool is null
            ? null
            : new(cpool, cpool.Id)
            {
                Busy = cpool.State != ResourceState.Ready || cpool.HypervisorUpdate is { } update && update.HostsDone < update.HostsTotal,
                CannotChangeInPlace = CannotChangeInPlace(cpool),
                NotShown =
                [
                    .. cpool.BladeType is null ? ["spec.bladeType"] : Array.Empty<string>(),
                    .. cpool.HighAvailability is null ? ["spec.highAvailability"] : Array.Empty<string>(),
                    .. cpool.AffinityRules is null ? ["spec.affinityRules"] : Array.Empty<string>(),
                ],
            };

    private string? CannotChangeInPlace(CpoolObservation cpool)
    {
        var spec = Entity.Spec;
        return spec.AvailabilityZone != cpool.Zone
            ? $"spec.availabilityZone is {spec.AvailabilityZone} but the Cpool lives in {cpool.Zone}: a Cpool cannot move between zones (rule C3); create another Cpool."
            : cpool.BladeType is { } blade && spec.BladeType != blade
                ? $"spec.bladeType is {ApiNames.Of(spec.BladeType)} but the Cpool's hosts are {ApiNames.Of(blade)} blades: the blade type cannot change in place (rule C2); create another Cpool."
                : null;
    }

    private static bool SameRules(IReadOnlyList<AffinityRuleSpecification> desired, IReadOnlyList<AffinityRuleSpecification> observed) =>
        desired.Count == observed.Count
        && desired.All(d => observed.FirstOrDefault(o => o.Name == d.Name) is { } o
            && o.Type == d.Type
            && o.Enabled == d.Enabled
            && o.VirtualMachines.Order(StringComparer.Ordinal).SequenceEqual(d.VirtualMachines.Order(StringComparer.Ordinal), StringComparer.Ordinal));
}

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>One operation as persisted, in flight or finished.</summary>
/// <param name="Id">Operation id.</param>
/// <param name="Description">What it does.</param>
/// <param name="Item">The concerned resource.</param>
/// <param name="TenantId">The owner tenant.</param>
/// <param name="CreatedAt">When accepted.</param>
/// <param name="Sequence">Acceptance order.</param>
/// <param name="Steps">Steps in all.</param>
/// <param name="StepDuration">Duration of one step.</param>
/// <param name="Plan">Its effects.</param>
/// <param name="State">Its state.</param>
/// <param name="StartDate">When it started running.</param>
/// <param name="StopDate">When it ended.</param>
/// <param name="StepsDone">Steps done.</param>
/// <param name="Result">On completion, the resource id.</param>
/// <param name="Reason">On failure, why.</param>
/// <param name="InjectedFailure">A failure injected at acceptance.</param>
/// <param name="ExtraWaiting">Extra time waiting injected at acceptance.</param>
public sealed record OperationRecord(
    string Id,
    string Description,
    ConcernedItem Item,
    string? TenantId,
    DateTimeOffset CreatedAt,
    long Sequence,
    int Steps,
    TimeSpan StepDuration,
    OperationPlan Plan,
    OperationState State,
    DateTimeOffset? StartDate,
    DateTimeOffset? StopDate,
    int StepsDone,
    string? Result,
    string? Reason,
    string? InjectedFailure,
    TimeSpan ExtraWaiting);

/// <summary>The whole platform: inventory, resources, operations in flight or done, and the id sequence.</summary>
/// <param name="Sequence">The last id number handed out.</param>
/// <param name="Organizations">Organizations.</param>
/// <param name="Tenants">Tenants.</param>
/// <param name="PersonalAccessTokens">Personal access tokens.</param>
/// <param name="VirtualMachines">VMs.</param>
/// <param name="Cpools">Cpools.</param>
/// <param name="BlockVolumes">Volumes.</param>
/// <param name="Vlans">VLANs.</param>
/// <param name="BackupPolicies">Backup policies.</param>
/// <param name="VmReplications">VM replications.</param>
/// <param name="HsmKeyProviders">Key providers.</param>
/// <param name="InventoriedVmIds">VMs the backup inventory has seen.</param>
/// <param name="Operations">Every operation, in acceptance order.</param>
public sealed record PlatformSnapshot(
    long Sequence,
    IReadOnlyList<Organization> Organizations,
    IReadOnlyList<Tenant> Tenants,
    IReadOnlyList<PersonalAccessToken> PersonalAccessTokens,
    IReadOnlyList<VirtualMachine> VirtualMachines,
    IReadOnlyList<Cpool> Cpools,
    IReadOnlyList<BlockVolume> BlockVolumes,
    IReadOnlyList<Vlan> Vlans,
    IReadOnlyList<BackupPolicy> BackupPolicies,
    IReadOnlyList<VmReplication> VmReplications,
    IReadOnlyList<HsmKeyProvider> HsmKeyProviders,
    IReadOnlyList<string> InventoriedVmIds,
    IReadOnlyList<OperationRecord> Operations);

/// <summary>Export and import of the whole platform (the service's <c>--state</c> file).</summary>
public sealed partial class SimulatedPlatform
{
    /// <summary>A consistent copy of the whole platform, taken under the lock (records are immutable).</summary>
    public PlatformSnapshot Export()
    {
        lock (_lock)
        {
            Settle();
            return new PlatformSnapshot(
                _sequence,
                [.. _organizations.Values],
                [.. _tenants.Values],
                [.. _tokens.Values],
                [.. _vms.Values],
                [.. _cpools.Values],
                [.. _volumes.Values],
                [.. _vlans.Values],
                [.. _backupPolicies.Values],
                [.. _vmReplications.Values],
                [.. _keyProviders.Values],
                [.. _inventoriedVmIds],
                [.. _operations.Select(o => new OperationRecord(
                    o.Id, o.Description, o.Item, o.TenantId, o.CreatedAt, o.Sequence, o.Steps, o.StepDuration, o.Plan, o.State,
                    o.StartDate, o.StopDate, o.StepsDone, o.Result, o.Reason, o.InjectedFailure, o.ExtraWaiting))]);
        }
    }

    /// <summary>
    /// Loads a snapshot into this platform, which must be empty. Operations in flight resume from
    /// their recorded dates: whatever fell due while the service was down plays at once, in order.
    /// </summary>
    public void Import(PlatformSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            if (_sequence != 0 || _operations.Count > 0 || _organizations.Count > 0)
            {
                throw new InvalidOperationException("A snapshot can only be imported into an empty platform.");
            }

            _sequence = snapshot.Sequence;
            Fill(_organizations, snapshot.Organizations, o => o.Id);
            Fill(_tenants, snapshot.Tenants, t => t.Id);
            Fill(_tokens, snapshot.PersonalAccessTokens, t => t.Id);
            Fill(_cpools, snapshot.Cpools, c => c.Id);
            Fill(_volumes, snapshot.BlockVolumes, v => v.Id);
            Fill(_vlans, snapshot.Vlans, v => v.Id);
            Fill(_backupPolicies, snapshot.BackupPolicies, b => b.Id);
            Fill(_vmReplications, snapshot.VmReplications, r => r.Id);
            Fill(_keyProviders, snapshot.HsmKeyProviders, k => k.Id);
            foreach (var vm in snapshot.VirtualMachines)
            {
                _vms.Add((vm.TenantId, vm.Name), vm);
                _vmKeys.Add(vm.Id, (vm.TenantId, vm.Name));
            }

            _inventoriedVmIds.UnionWith(snapshot.InventoriedVmIds);
            foreach (var r in snapshot.Operations.OrderBy(o => o.Sequence))
            {
                Track(new Operation(r.Id, r.Description, r.Item, r.TenantId, r.CreatedAt, r.Sequence, r.Steps, r.StepDuration, r.Plan)
                {
                    State = r.State,
                    StartDate = r.StartDate,
                    StopDate = r.StopDate,
                    StepsDone = r.StepsDone,
                    Result = r.Result,
                    Reason = r.Reason,
                    InjectedFailure = r.InjectedFailure,
                    ExtraWaiting = r.ExtraWaiting,
                });
            }

            Changed();
            Settle();
        }
    }

    private static void Fill<T>(Dictionary<string, T> target, IEnumerable<T> items, Func<T, string> key)
    {
        foreach (var item in items)
        {
            target.Add(key(item), item);
        }
    }
}

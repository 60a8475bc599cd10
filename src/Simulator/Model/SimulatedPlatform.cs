using System.Globalization;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>
/// The simulated Cloud Temple IaaS platform: in memory, thread-safe behind one lock, time from an
/// injected <see cref="TimeProvider"/>. Every write is checked against the domain rules of layer P
/// (docs/rules.md) and either throws <see cref="PlatformRefusedException"/> having changed nothing,
/// or returns at once an operation id that goes waiting → running → completed or failed.
/// Operations progress lazily, on every call, from the clock: deterministic for a given clock.
/// Operations on the same resource run one after the other.
/// </summary>
/// <remarks>
/// Scale: only the head of each resource's queue of unfinished operations is scheduled, in a
/// priority queue ordered by the time of its next transition (then by acceptance order), so a call
/// with nothing due costs O(1) and each transition O(log n), whatever the number of operations.
/// </remarks>
public sealed partial class SimulatedPlatform(TimeProvider timeProvider, SimulatorOptions? options = null)
{
    private readonly Lock _lock = new();
    private readonly SimulatorOptions _options = options ?? new SimulatorOptions();
    private readonly List<Operation> _operations = [];
    private readonly Dictionary<string, Operation> _operationsById = [];
    private readonly Dictionary<string, List<Operation>> _operationsByItem = [];
    private readonly Dictionary<string, Queue<Operation>> _unfinishedByItem = [];
    private readonly Dictionary<string, DateTimeOffset> _lastStopByItem = [];
    private readonly PriorityQueue<Operation, (DateTimeOffset Due, long Sequence)> _due = new();
    private readonly Dictionary<string, Organization> _organizations = [];
    private readonly Dictionary<string, Tenant> _tenants = [];
    private readonly Dictionary<(string TenantId, string Name), VirtualMachine> _vms = [];
    private readonly Dictionary<string, (string TenantId, string Name)> _vmKeys = [];
    private readonly Dictionary<string, Cpool> _cpools = [];
    private readonly Dictionary<string, BlockVolume> _volumes = [];
    private readonly Dictionary<string, Vlan> _vlans = [];
    private readonly Dictionary<string, BackupPolicy> _backupPolicies = [];
    private readonly Dictionary<string, VmReplication> _vmReplications = [];
    private readonly Dictionary<string, HsmKeyProvider> _keyProviders = [];
    private readonly Dictionary<string, PersonalAccessToken> _tokens = [];
    private readonly HashSet<string> _inventoriedVmIds = [];
    private long _sequence;
    private long _version;
    private string? _nextFailure;
    private Func<string, OperationFault?>? _faults;

    /// <summary>The options in force.</summary>
    public SimulatorOptions Options => _options;

    /// <summary>Grows each time the platform's state changes (a write, an operation's step): tells a persister when to save.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// Decides, for each accepted operation (by its description), whether a fault is injected into it:
    /// a failure at its end, or extra time waiting. Called under the platform's lock, in acceptance order.
    /// </summary>
    public void InjectOperationFaults(Func<string, OperationFault?>? faults)
    {
        lock (_lock)
        {
            _faults = faults;
        }
    }

    /// <summary>Makes the next accepted write fail at its end with this reason (e.g. a transient platform error).</summary>
    public void FailNextOperation(string reason)
    {
        lock (_lock)
        {
            _nextFailure = reason;
        }
    }

    /// <summary>Moves every operation forward to the clock's present. Every other call does it too.</summary>
    public void Tick()
    {
        lock (_lock)
        {
            Settle();
        }
    }

    /// <summary>An operation as it stands now, or null if unknown.</summary>
    public PlatformOperation? GetOperation(string operationId)
    {
        lock (_lock)
        {
            Settle();
            return _operationsById.TryGetValue(operationId, out var op) ? Snapshot(op) : null;
        }
    }

    /// <summary>Every operation of a tenant, oldest first (the activity list).</summary>
    public IReadOnlyList<PlatformOperation> GetOperationsOf(string tenantId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _operations.Where(op => op.TenantId == tenantId).Select(Snapshot)];
        }
    }

    /// <summary>Every operation concerning a resource, oldest first.</summary>
    public IReadOnlyList<PlatformOperation> GetOperationsOn(string resourceId)
    {
        lock (_lock)
        {
            Settle();
            return _operationsByItem.TryGetValue(resourceId, out var ops) ? [.. ops.Select(Snapshot)] : [];
        }
    }

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    private string NewId(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{++_sequence:D5}");

    private void Changed() => Interlocked.Increment(ref _version);

    private static PlatformRefusedException Refused(string rule, string reason) => new(rule, reason);

    private static PlatformRefusedException Conflict(string rule, string reason) => new(rule, reason) { Conflict = true };

    private static PlatformNotFoundException NotFound(string what, string id) => new($"{what} '{id}' does not exist on the platform.");

    /// <summary>
    /// Accepts an operation: it is recorded, then settled at once (so zero durations complete
    /// before the write returns). The owner tenant is the concerned resource's unless given.
    /// </summary>
    private Accepted Enqueue(string description, ConcernedItem item, TimeSpan duration, OperationPlan plan, int steps = 1, string? tenantId = null)
    {
        var fault = _faults?.Invoke(description);
        var op = new Operation(NewId("op"), description, item, tenantId ?? OwnerOf(item.Id), Now, ++_sequence, steps, steps > 1 ? duration / steps : duration, plan)
        {
            InjectedFailure = _nextFailure ?? fault?.FailureReason,
            ExtraWaiting = fault?.StuckFor ?? TimeSpan.Zero,
        };
        _nextFailure = null;
        Track(op);
        Changed();
        Settle();
        return new Accepted(op.Id, item.Id);
    }

    /// <summary>Records an operation in the indexes; schedules it when it heads its resource's queue.</summary>
    private void Track(Operation op)
    {
        _operations.Add(op);
        _operationsById.Add(op.Id, op);
        if (!_operationsByItem.TryGetValue(op.Item.Id, out var all))
        {
            _operationsByItem[op.Item.Id] = all = [];
        }

        all.Add(op);
        if (op.State is OperationState.Completed or OperationState.Failed)
        {
            if (op.StopDate is { } stop && (!_lastStopByItem.TryGetValue(op.Item.Id, out var last) || stop > last))
            {
                _lastStopByItem[op.Item.Id] = stop;
            }

            return;
        }

        if (!_unfinishedByItem.TryGetValue(op.Item.Id, out var queue))
        {
            _unfinishedByItem[op.Item.Id] = queue = new Queue<Operation>();
        }

        queue.Enqueue(op);
        if (queue.Count == 1)
        {
            Schedule(op);
        }
    }

    /// <summary>Puts an operation heading its resource's queue in the priority queue, at its next transition.</summary>
    private void Schedule(Operation op)
    {
        DateTimeOffset due;
        if (op.State == OperationState.Waiting)
        {
            due = op.CreatedAt + _options.Waiting + op.ExtraWaiting;
            if (_lastStopByItem.TryGetValue(op.Item.Id, out var stop) && stop > due)
            {
                due = stop;
            }
        }
        else
        {
            due = op.StartDate!.Value + (op.StepDuration * (op.StepsDone + 1));
        }

        _due.Enqueue(op, (due, op.Sequence));
    }

    /// <summary>Plays every start, step and end due by now, in time order.</summary>
    private void Settle()
    {
        var now = Now;
        while (_due.TryPeek(out var next, out var priority) && priority.Due <= now)
        {
            _due.Dequeue();
            var at = priority.Due;
            Changed();
            if (next.State == OperationState.Waiting)
            {
                next.State = OperationState.Running;
                next.StartDate = at;
                Schedule(next);
                continue;
            }

            next.StepsDone++;
            if (next.StepsDone < next.Steps)
            {
                Step(next, next.StepsDone);
                Schedule(next);
                continue;
            }

            Finish(next, at);
            _lastStopByItem[next.Item.Id] = at;
            var queue = _unfinishedByItem[next.Item.Id];
            queue.Dequeue();
            if (queue.Count > 0)
            {
                Schedule(queue.Peek());
            }
            else
            {
                _unfinishedByItem.Remove(next.Item.Id);
            }
        }
    }

    private void Finish(Operation op, DateTimeOffset at)
    {
        op.StopDate = at;
        var reason = op.InjectedFailure ?? Check(op.Plan);
        if (reason is null)
        {
            Step(op, op.Steps);
            Complete(op.Plan, at);
            op.State = OperationState.Completed;
            op.Result = op.Item.Id;
        }
        else
        {
            Fail(op.Plan, reason, injected: op.InjectedFailure is not null);
            op.State = OperationState.Failed;
            op.Reason = reason;
        }
    }

    private PlatformOperation Snapshot(Operation op)
    {
        int? progression = op.State switch
        {
            OperationState.Waiting => null,
            OperationState.Completed => 100,
            OperationState.Failed => null,
            _ when op.Steps > 1 => op.StepsDone * 100 / op.Steps,
            _ when op.StepDuration <= TimeSpan.Zero => 0,
            _ => (int)Math.Clamp((Now - op.StartDate!.Value) / op.StepDuration * 100, 0, 99),
        };
        return new PlatformOperation(op.Id, op.Description, op.Item, op.State, progression, op.CreatedAt, op.StartDate, op.StopDate, op.Result, op.Reason, op.TenantId);
    }

    private sealed class Operation(string id, string description, ConcernedItem item, string? tenantId, DateTimeOffset createdAt, long sequence, int steps, TimeSpan stepDuration, OperationPlan plan)
    {
        public string Id { get; } = id;

        public string Description { get; } = description;

        public ConcernedItem Item { get; } = item;

        public string? TenantId { get; } = tenantId;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public long Sequence { get; } = sequence;

        public int Steps { get; } = steps;

        public TimeSpan StepDuration { get; } = stepDuration;

        public OperationPlan Plan { get; } = plan;

        public OperationState State { get; set; } = OperationState.Waiting;

        public DateTimeOffset? StartDate { get; set; }

        public DateTimeOffset? StopDate { get; set; }

        public int StepsDone { get; set; }

        public string? Result { get; set; }

        public string? Reason { get; set; }

        public string? InjectedFailure { get; init; }

        public TimeSpan ExtraWaiting { get; init; }
    }
}

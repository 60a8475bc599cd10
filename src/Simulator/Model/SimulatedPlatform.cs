using System.Globalization;

namespace CloudTemple.Operator.Simulator.Model;

/// <summary>
/// The simulated Cloud Temple IaaS platform: in memory, thread-safe behind one lock, time from an
/// injected <see cref="TimeProvider"/>. Every write is checked against the domain rules of layer P
/// (docs/domain.md) and either throws <see cref="PlatformRefusedException"/> having changed nothing,
/// or returns at once an operation id that goes waiting → running → completed or failed.
/// Operations progress lazily, on every call, from the clock: deterministic for a given clock.
/// Operations on the same resource run one after the other.
/// </summary>
public sealed partial class SimulatedPlatform(TimeProvider timeProvider, SimulatorOptions? options = null)
{
    private readonly Lock _lock = new();
    private readonly SimulatorOptions _options = options ?? new SimulatorOptions();
    private readonly List<Operation> _operations = [];
    private readonly Dictionary<string, Operation> _operationsById = [];
    private readonly Dictionary<string, Organization> _organizations = [];
    private readonly Dictionary<string, Tenant> _tenants = [];
    private readonly Dictionary<(string TenantId, string Name), VirtualMachine> _vms = [];
    private readonly Dictionary<string, Cpool> _cpools = [];
    private readonly Dictionary<string, BlockVolume> _volumes = [];
    private readonly Dictionary<string, Vlan> _vlans = [];
    private readonly Dictionary<string, BackupPolicy> _backupPolicies = [];
    private readonly Dictionary<string, VmReplication> _vmReplications = [];
    private readonly Dictionary<string, HsmKeyProvider> _keyProviders = [];
    private long _sequence;
    private string? _nextFailure;

    /// <summary>The options in force.</summary>
    public SimulatorOptions Options => _options;

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

    /// <summary>Every operation concerning a resource, oldest first.</summary>
    public IReadOnlyList<PlatformOperation> GetOperationsOn(string resourceId)
    {
        lock (_lock)
        {
            Settle();
            return [.. _operations.Where(o => o.Item.Id == resourceId).Select(Snapshot)];
        }
    }

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    private string NewId(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{++_sequence:D5}");

    private static PlatformRefusedException Refused(string rule, string reason) => new(rule, reason);

    private static PlatformNotFoundException NotFound(string what, string id) => new($"{what} '{id}' does not exist on the platform.");

    /// <summary>
    /// Accepts an operation: it is recorded, then settled at once (so zero durations complete
    /// before the write returns).
    /// </summary>
    private Accepted Enqueue(
        string description,
        ConcernedItem item,
        TimeSpan duration,
        Action<DateTimeOffset> onComplete,
        Action<string>? onFail = null,
        Func<string?>? check = null,
        int steps = 1,
        Action<int>? onStep = null)
    {
        var op = new Operation(NewId("op"), description, item, Now, ++_sequence, steps, steps > 1 ? duration / steps : duration)
        {
            OnComplete = onComplete,
            OnFail = onFail,
            Check = check,
            OnStep = onStep,
            InjectedFailure = _nextFailure,
        };
        _nextFailure = null;
        _operations.Add(op);
        _operationsById.Add(op.Id, op);
        Settle();
        return new Accepted(op.Id, item.Id);
    }

    /// <summary>Plays every start, step and end due by now, in time order.</summary>
    private void Settle()
    {
        var now = Now;
        while (true)
        {
            Operation? next = null;
            var at = DateTimeOffset.MaxValue;
            foreach (var op in _operations)
            {
                if (op.State is OperationState.Completed or OperationState.Failed)
                {
                    continue;
                }

                DateTimeOffset due;
                if (op.State == OperationState.Waiting)
                {
                    var before = _operations.Where(o => o.Sequence < op.Sequence && o.Item.Id == op.Item.Id).ToList();
                    if (before.Any(o => o.State is OperationState.Waiting or OperationState.Running))
                    {
                        continue;
                    }

                    due = op.CreatedAt + _options.Waiting;
                    foreach (var stop in before.Select(o => o.StopDate ?? due))
                    {
                        due = stop > due ? stop : due;
                    }
                }
                else
                {
                    due = op.StartDate!.Value + (op.StepDuration * (op.StepsDone + 1));
                }

                if (due <= now && due < at)
                {
                    next = op;
                    at = due;
                }
            }

            if (next is null)
            {
                return;
            }

            if (next.State == OperationState.Waiting)
            {
                next.State = OperationState.Running;
                next.StartDate = at;
            }
            else
            {
                next.StepsDone++;
                if (next.StepsDone < next.Steps)
                {
                    next.OnStep?.Invoke(next.StepsDone);
                }
                else
                {
                    Finish(next, at);
                }
            }
        }
    }

    private static void Finish(Operation op, DateTimeOffset at)
    {
        op.StopDate = at;
        var reason = op.InjectedFailure ?? op.Check?.Invoke();
        if (reason is null)
        {
            op.OnStep?.Invoke(op.Steps);
            op.OnComplete?.Invoke(at);
            op.State = OperationState.Completed;
            op.Result = op.Item.Id;
        }
        else
        {
            op.OnFail?.Invoke(reason);
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
        return new PlatformOperation(op.Id, op.Description, op.Item, op.State, progression, op.CreatedAt, op.StartDate, op.StopDate, op.Result, op.Reason);
    }

    private sealed class Operation(string id, string description, ConcernedItem item, DateTimeOffset createdAt, long sequence, int steps, TimeSpan stepDuration)
    {
        public string Id { get; } = id;

        public string Description { get; } = description;

        public ConcernedItem Item { get; } = item;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public long Sequence { get; } = sequence;

        public int Steps { get; } = steps;

        public TimeSpan StepDuration { get; } = stepDuration;

        public OperationState State { get; set; } = OperationState.Waiting;

        public DateTimeOffset? StartDate { get; set; }

        public DateTimeOffset? StopDate { get; set; }

        public int StepsDone { get; set; }

        public string? Result { get; set; }

        public string? Reason { get; set; }

        public string? InjectedFailure { get; init; }

        public Action<DateTimeOffset>? OnComplete { get; init; }

        public Action<string>? OnFail { get; init; }

        public Func<string?>? Check { get; init; }

        public Action<int>? OnStep { get; init; }
    }
}

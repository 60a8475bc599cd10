using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Tests.Controllers.Lifecycle;

/// <summary>A resource of the fake platform: a name, a value the spec drives (the VLAN's first zone), and whether it is busy.</summary>
internal sealed record FakeResource(string Id, string Name, string Value, bool Busy = false);

/// <summary>
/// The platform behind the lifecycle's unit tests: resources and activities in memory, every write
/// counted, and scripted answers (a lost answer, a refusal, a failed activity) for each branch.
/// </summary>
internal sealed class FakeCloud : IPlatform, IActivityDriver
{
    private int _next;

    public Dictionary<string, FakeResource> Resources { get; } = [];

    public Dictionary<string, ActivityState> Activities { get; } = [];

    /// <summary>Every write sent, in order: "create name", "update id value", "delete id", "step id".</summary>
    public List<string> Writes { get; } = [];

    /// <summary>Every read sent: "observe id" or "find name".</summary>
    public List<string> Reads { get; } = [];

    public Capabilities Capabilities { get; set; } = Capabilities.All;

    /// <summary>The create is made, but its answer is lost.</summary>
    public bool LoseCreateAnswer { get; set; }

    /// <summary>The create's answer gives no resource id: it is known when the activity completes.</summary>
    public bool CreateWithoutId { get; set; }

    /// <summary>The delete is made, but its answer is lost.</summary>
    public bool LoseDeleteAnswer { get; set; }

    /// <summary>Reads are refused as unauthenticated.</summary>
    public bool RefuseCredentials { get; set; }

    /// <summary>What the next activity becomes at once (default completed).</summary>
    public Func<string?, ActivityState> ActivityOutcome { get; set; } = id => new ActivityCompleted(id);

    PlatformApi IPlatform.Api => PlatformApi.Simulated;

    IActivityDriver IPlatform.Activities => this;

    IComputeDriver IPlatform.Compute => throw new NotSupportedException();

    IStorageDriver IPlatform.Storage => throw new NotSupportedException();

    INetworkDriver IPlatform.Network => throw new NotSupportedException();

    IBackupDriver IPlatform.Backup => throw new NotSupportedException();

    IReplicationDriver IPlatform.Replication => throw new NotSupportedException();

    IKeyManagementDriver IPlatform.KeyManagement => throw new NotSupportedException();

    public FakeResource Add(string name, string value, bool busy = false)
    {
        var resource = new FakeResource($"res-{++_next}", name, value, busy);
        Resources[resource.Id] = resource;
        return resource;
    }

    public FakeResource? Get(string id)
    {
        Reads.Add($"observe {id}");
        return RefuseCredentials ? throw new PlatformAuthenticationException("token expired") : Resources.GetValueOrDefault(id);
    }

    public FakeResource? Find(string name)
    {
        Reads.Add($"find {name}");
        return Resources.Values.FirstOrDefault(r => r.Name == name);
    }

    public PlatformOperation Create(string name, string value)
    {
        Writes.Add($"create {name}");
        var resource = Add(name, value);
        var operation = Operation(resource.Id);
        return LoseCreateAnswer ? throw new PlatformOutcomeUnknownException("connection reset") : CreateWithoutId ? operation with { ResourceId = null } : operation;
    }

    public PlatformOperation Update(string id, string value)
    {
        Writes.Add($"update {id} {value}");
        Resources[id] = Resources[id] with { Value = value };
        return Operation(id);
    }

    public PlatformOperation Step(string id, string what)
    {
        Writes.Add($"{what} {id}");
        return Operation(id);
    }

    public PlatformOperation Delete(string id)
    {
        Writes.Add($"delete {id}");
        Resources.Remove(id);
        return LoseDeleteAnswer ? throw new PlatformOutcomeUnknownException("connection reset") : Operation(id);
    }

    public Task<ActivityState> GetActivityAsync(string activityId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Activities[activityId]);

    public Task<ActivityCompleted> WaitAsync(string activityId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    private PlatformOperation Operation(string resourceId)
    {
        var activity = $"act-{++_next}";
        Activities[activity] = ActivityOutcome(resourceId);
        return new PlatformOperation(activity, resourceId);
    }
}

/// <summary>
/// The kind of the lifecycle's unit tests, on the Vlan entity: its resource's value is the spec's
/// first zone; its references are the Vlan's cpoolRefs; scripted plans, steps before delete and users.
/// </summary>
internal sealed class FakeKind(FakeCloud cloud) : ManagedKind<Vlan, FakeResource>
{
    /// <summary>Extra changes the plan offers after the value's own (per-item sub-operations).</summary>
    public List<Func<FakeResource, Change>> Items { get; } = [];

    public Func<FakeResource, BeforeDelete> Before { get; set; } = _ => BeforeDelete.Proceed;

    public List<string> Users { get; } = [];

    public string? CannotChange { get; set; }

    public string? NotReady { get; set; }

    public Verdict? Failed { get; set; }

    public string? ChangeOrder { get; set; }

    public IReadOnlyList<string> NotShown { get; set; } = [];

    public IReadOnlyList<string> CreateViolations { get; set; } = [];

    /// <summary>The references each create saw: Cpool ids, in spec order.</summary>
    public List<IReadOnlyList<string>> CreatedWith { get; } = [];

    public int Reports { get; set; }

    /// <summary>How many items the lifecycle reached in the plan.</summary>
    public int Planned { get; set; }

    public override string Noun => "widget";

    public override IEnumerable<Reference> References(Vlan entity) => entity.Spec.CpoolRefs.Select(r => Reference.To<Cpool>(r.Name));

    public override Task<IReadOnlyList<string>> UsedByAsync(Vlan entity, Operator.Validation.INamespaceView view, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Users]);

    public override ExternalClient<Vlan, FakeResource> Connect(IPlatform platform, ReconcileContext<Vlan> context, ResolvedReferences references) =>
        new Client(this, cloud, context, references);

    private sealed class Client(FakeKind kind, FakeCloud cloud, ReconcileContext<Vlan> context, ResolvedReferences references)
        : ExternalClient<Vlan, FakeResource>(context, references)
    {
        public override Capabilities Capabilities => cloud.Capabilities;

        private string Wanted => Entity.Spec.AvailabilityZones.FirstOrDefault().ToString();

        public override Task<Observation<FakeResource>?> ObserveAsync(string id, CancellationToken cancellationToken) =>
            Task.FromResult(Observe(cloud.Get(id)));

        public override Task<Observation<FakeResource>?> FindAsync(CancellationToken cancellationToken) =>
            Task.FromResult(Observe(cloud.Find(Entity.Metadata.Name)));

        public override Task<IReadOnlyList<string>> CheckCreateAsync(CancellationToken cancellationToken) => Task.FromResult(kind.CreateViolations);

        public override Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken)
        {
            kind.CreatedWith.Add([.. Entity.Spec.CpoolRefs.Select(r => References.IdOf<Cpool>(r.Name))]);
            return Task.FromResult(cloud.Create(Entity.Metadata.Name, Wanted));
        }

        public override IAsyncEnumerable<Change> PlanAsync(Observation<FakeResource> observed, CancellationToken cancellationToken)
        {
            var resource = observed.Resource;
            Change[] own = resource.Value == Wanted
                ? []
                : [new Change("Updating", $"Setting widget {resource.Id} to {Wanted}", _ => Task.FromResult(cloud.Update(resource.Id, Wanted))) { ManualOrder = kind.ChangeOrder }];

            // Items are worked out as the lifecycle reaches them: Planned counts those it reached.
            return own.Concat(kind.Items.Select(item => { kind.Planned++; return item(resource); })).ToAsyncEnumerable();
        }

        public override Task<BeforeDelete> BeforeDeleteAsync(Observation<FakeResource> observed, CancellationToken cancellationToken) =>
            Task.FromResult(kind.Before(observed.Resource));

        public override Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken) => Task.FromResult(cloud.Delete(id));

        public override void Report(Observation<FakeResource> observed) => kind.Reports++;

        public override string? NotReadyBecause(Observation<FakeResource> observed) => kind.NotReady;

        public override string CreateOrder() => "Order a widget in the console.";

        public override string DeleteOrder(string id) => $"Ask support to delete widget {id}.";

        public override string ReadOrder(string id) => $"The API cannot read widget {id}.";

        private Observation<FakeResource>? Observe(FakeResource? resource) =>
            resource is null
                ? null
                : new(resource, resource.Id) { Busy = resource.Busy, CannotChangeInPlace = kind.CannotChange, Failed = kind.Failed, NotShown = kind.NotShown };
    }
}

using CloudTemple.Operator.Controllers;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Tests.Validation;

namespace CloudTemple.Operator.Tests.Controllers.Lifecycle;

/// <summary>
/// One object (a Vlan "app-net" in namespace "demo"), the generic lifecycle over <see cref="FakeKind"/>
/// and <see cref="FakeCloud"/>, and a status writer that records what each save wrote: a pass is a
/// method call, and every assertion reads the object, the cloud or the events.
/// </summary>
internal sealed class LifecycleHarness : IPlatformConnections, ICredentialsSource, IEventSink
{
    public const string Namespace = "demo";

    public LifecycleHarness()
    {
        Kind = new FakeKind(Cloud);
        Entity = NewVlan("app-net");
        View.Add(Entity);
        Reconciler = Kind.Reconciler(this, this, View, new ReconcilerOptions());
    }

    public FakeCloud Cloud { get; } = new();

    public FakeKind Kind { get; }

    public InMemoryNamespaceView View { get; } = new();

    public Vlan Entity { get; }

    public ManagedReconciler<Vlan, FakeResource> Reconciler { get; }

    /// <summary>What each status save wrote: externalId, activityId and whether the intent to create was set.</summary>
    public List<(string? ExternalId, string? ActivityId, bool CreatePending)> Saves { get; } = [];

    public List<(bool Warning, string Reason, string Note)> Events { get; } = [];

    /// <summary>The conditions as the last save wrote them.</summary>
    public string? SavedConditions { get; private set; }

    /// <summary>The conditions now, in the form of <see cref="SavedConditions"/>.</summary>
    public string CurrentConditions => string.Join("; ", Status.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"));

    public bool NoCredentials { get; set; }

    public VlanStatus Status => Entity.Status!;

    public Condition? Condition(string type) => Status.Conditions.Find(c => c.Type == type);

    public Condition Ready => Condition(ConditionTypes.Ready)!;

    public Condition Stalled => Condition(ConditionTypes.Stalled)!;

    public Condition Reconciling => Condition(ConditionTypes.Reconciling)!;

    public static Vlan NewVlan(string name) => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = Namespace, Generation = 1, Uid = Guid.NewGuid().ToString() },
        Spec = new() { AvailabilityZones = [Zone.PAR7S] },
        Status = new(),
    };

    /// <summary>A Cpool of the namespace, Ready (or not) with that platform id.</summary>
    public Cpool AddCpool(string name, string id, bool ready = true)
    {
        var cpool = new Cpool
        {
            Metadata = new() { Name = name, NamespaceProperty = Namespace, Generation = 1 },
            Status = new() { ExternalId = id },
        };
        SetReady(cpool, ready);
        View.Add(cpool);
        return cpool;
    }

    public static void SetReady(Cpool cpool, bool ready) =>
        cpool.Status!.Conditions = [new Condition { Type = ConditionTypes.Ready, Status = ready ? ConditionStatus.True : ConditionStatus.False, Reason = "Test", Message = "Set by the test." }];

    public async Task<ReconcileResult> PassAsync() => await Reconciler.ReconcileAsync(Context(), CancellationToken.None);

    public async Task<FinalizeResult> FinalizeAsync() => await Reconciler.FinalizeAsync(Context(), CancellationToken.None);

    /// <summary>Passes until the object is Ready, Stalled or waits for something else than the platform's activity; at most 20.</summary>
    public async Task<ReconcileResult> SettleAsync()
    {
        var result = await PassAsync();
        for (var i = 0; i < 20 && result.RequeueAfter is not null && Reconciling.Reason is Reasons.Creating or Reasons.Updating or Reasons.WaitingForPlatform; i++)
        {
            result = await PassAsync();
        }

        return result;
    }

    IPlatform IPlatformConnections.Connect(PlatformCredentials credentials) => Cloud;

    Task<PlatformCredentials> ICredentialsSource.ResolveAsync(ICustomResource entity, CancellationToken cancellationToken) =>
        NoCredentials
            ? throw new CredentialsNotFoundException("No credentials: create the Secret demo/cloudtemple-credentials.")
            : Task.FromResult(new PlatformCredentials("id", "secret"));

    void IEventSink.Publish(bool warning, string reason, string action, string note) => Events.Add((warning, reason, note));

    private ReconcileContext<Vlan> Context() =>
        new(Entity, new ConditionSet(Status.Conditions, Entity.Metadata.Generation ?? 0, TimeProvider.System), this, _ =>
        {
            Saves.Add((Status.ExternalId, Status.ActivityId, Status.CreatePendingSince is not null));
            SavedConditions = CurrentConditions;
            return Task.CompletedTask;
        });
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Tests.Controllers.Lifecycle;

/// <summary>
/// The generic lifecycle, one case per branch of its path — validate → connect → operation in
/// flight → references → observe → create / change / stall → report — without an API server: one
/// pass over a fake platform, then the condition it raised, the writes it sent and the status it kept.
/// </summary>
public sealed partial class LifecycleTests
{
    /// <summary>What one pass must end in: the condition that is True, its reason, and the writes sent (in order).</summary>
    internal sealed record Case(Action<LifecycleHarness> Arrange, string Condition, string Reason, string[] Writes, Action<LifecycleHarness>? Check = null);

    private static readonly Dictionary<string, Case> s_cases = new()
    {
        // Validate: nothing reaches the platform.
        ["invalid spec stalls InvalidSpec and reads nothing"] = new(
            h => h.Entity.Spec.SharedWithTenants = [new string('t', 300)], ConditionTypes.Stalled, Reasons.InvalidSpec, [],
            h => Assert.Empty(h.Cloud.Reads)),
        ["a changed externalId stalls ExternalIdChanged"] = new(
            h => (h.Entity.Spec.ExternalId, h.Status.ExternalId) = ("res-9", "res-1"), ConditionTypes.Stalled, Reasons.ExternalIdChanged, [],
            h => Assert.Empty(h.Cloud.Reads)),
        ["an id another object manages stalls AlreadyManaged and reads nothing"] = new(
            h => ClaimedElsewhere(h, "res-1", adoptBySpec: true), ConditionTypes.Stalled, Ownership.AlreadyManaged, [],
            h => Assert.Empty(h.Cloud.Reads)),

        // Connect.
        ["no credentials stalls CredentialsNotFound"] = new(
            h => h.NoCredentials = true, ConditionTypes.Stalled, Reasons.CredentialsNotFound, []),
        ["refused credentials stall CredentialsRefused"] = new(
            h => (h.Status.ExternalId, h.Cloud.RefuseCredentials) = (h.Cloud.Add("app-net", "PAR7S").Id, true), ConditionTypes.Stalled, Reasons.CredentialsRefused, []),

        // The operation in flight.
        ["a running activity is waited for, and nothing is read or sent"] = new(
            h => InFlight(h, new ActivityRunning(40, "Running")), ConditionTypes.Reconciling, Reasons.WaitingForPlatform, [],
            h => Assert.Contains("40 %", h.Reconciling.Message, StringComparison.Ordinal)),
        ["a completed activity gives the id, and the resource is observed"] = new(
            h => InFlight(h, new ActivityCompleted(h.Cloud.Add("app-net", "PAR7S").Id), withId: false), ConditionTypes.Ready, Reasons.Provisioned, [],
            h => Assert.Equal("res-1", h.Status.ExternalId)),
        ["a transient failure is tried again"] = new(
            h => InFlight(h, new ActivityFailed("busy", Transient: true)), ConditionTypes.Reconciling, Reasons.Retrying, [],
            h => Assert.Null(h.Status.ActivityId)),
        ["a failure for good stalls PlatformFailed"] = new(
            h => InFlight(h, new ActivityFailed("no capacity", Transient: false)), ConditionTypes.Stalled, Reasons.PlatformFailed, [],
            h => Assert.Contains("no capacity", h.Stalled.Message, StringComparison.Ordinal)),
        ["a failure for good that the resource explains stalls with the resource's reason"] = new(
            h => { InFlight(h, new ActivityFailed("refused", Transient: false)); h.Kind.Failed = new Verdict("Refused", "The provider refused it."); },
            ConditionTypes.Stalled, "Refused", []),

        // References.
        ["a missing reference is waited for, and nothing is sent"] = new(
            h => h.Entity.Spec.CpoolRefs = [new() { Name = "prod" }], ConditionTypes.Reconciling, Reasons.WaitingForReferences, [],
            h => Assert.Equal((ConditionStatus.False, "Cpool 'prod' does not exist."), (h.Condition(Reasons.ReferencesReady)!.Status, h.Condition(Reasons.ReferencesReady)!.Message))),
        ["a reference not Ready is waited for"] = new(
            h => { h.AddCpool("prod", "cpool-7", ready: false); h.Entity.Spec.CpoolRefs = [new() { Name = "prod" }]; },
            ConditionTypes.Reconciling, Reasons.WaitingForReferences, []),
        ["Ready references give their platform ids to the create"] = new(
            h => { h.AddCpool("prod", "cpool-7"); h.AddCpool("dr", "cpool-8"); h.Entity.Spec.CpoolRefs = [new() { Name = "prod" }, new() { Name = "dr" }]; },
            ConditionTypes.Reconciling, Reasons.Creating, ["create app-net"],
            h => Assert.Equal(["cpool-7", "cpool-8"], h.Kind.CreatedWith.Single())),
        ["an observed object does not wait for its references"] = new(
            h => { Observe(h); h.Entity.Spec.CpoolRefs = [new() { Name = "absent" }]; h.Cloud.Add("app-net", "TH3S"); },
            ConditionTypes.Ready, Reasons.Observed, []),

        // Observe and locate.
        ["a resource that matches the spec is Ready, and the status is reported"] = new(
            h => h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id, ConditionTypes.Ready, Reasons.Provisioned, [],
            h => Assert.Equal(1, h.Kind.Reports)),
        ["fields the platform does not show are named by Ready"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.NotShown = ["spec.sharedWithTenants"]; },
            ConditionTypes.Ready, Reasons.Provisioned, [],
            h => Assert.Contains("does not show spec.sharedWithTenants", h.Ready.Message, StringComparison.Ordinal)),
        ["a resource deleted outside the operator is created again"] = new(
            h => h.Status.ExternalId = "res-gone", ConditionTypes.Reconciling, Reasons.Creating, ["create app-net"]),
        ["an adopted resource that disappeared stalls NotFound"] = new(
            h => (h.Entity.Spec.ExternalId, h.Status.ExternalId) = ("res-gone", "res-gone"), ConditionTypes.Stalled, Reasons.NotFound, []),
        ["spec.externalId adopts the resource"] = new(
            h => h.Entity.Spec.ExternalId = h.Cloud.Add("legacy-net", "PAR7S").Id, ConditionTypes.Ready, Reasons.Provisioned, [],
            h => Assert.Contains(h.Events, e => e.Reason == "Adopted")),
        ["spec.externalId naming nothing stalls ExternalNotFound"] = new(
            h => h.Entity.Spec.ExternalId = "res-404", ConditionTypes.Stalled, Reasons.ExternalNotFound, []),
        ["a stranger's resource of the same name is not adopted silently"] = new(
            h => h.Cloud.Add("app-net", "PAR7S"), ConditionTypes.Stalled, Reasons.AlreadyExists, []),
        ["with an intent to create saved, the resource of the object's name is its own"] = new(
            h => { h.Cloud.Add("app-net", "PAR7S"); h.Status.CreatePendingSince = DateTime.UtcNow; }, ConditionTypes.Ready, Reasons.Provisioned, [],
            h => Assert.Equal(("res-1", (DateTime?)null), (h.Status.ExternalId, h.Status.CreatePendingSince))),
        ["with an intent saved, a resource of the name that another object manages is not taken"] = new(
            h => { h.Status.CreatePendingSince = DateTime.UtcNow; ClaimedElsewhere(h, h.Cloud.Add("app-net", "PAR7S").Id, adoptBySpec: false); },
            ConditionTypes.Stalled, Ownership.AlreadyManaged, []),
        ["Observe imports by name and never writes, even when the resource differs"] = new(
            h => { Observe(h); h.Cloud.Add("app-net", "TH3S"); }, ConditionTypes.Ready, Reasons.Observed, []),
        ["Observe with nothing of that name stalls NotFound"] = new(
            Observe, ConditionTypes.Stalled, Reasons.NotFound, []),
        ["a platform that cannot read says what to ask for"] = new(
            h => { h.Cloud.Capabilities = Capabilities.None; h.Status.ExternalId = "res-1"; }, ConditionTypes.Stalled, Reasons.ManualOrderRequired, [],
            h => Assert.Equal("The API cannot read widget res-1.", h.Stalled.Message)),
        ["a platform that cannot list never looks up by name"] = new(
            h => { h.Cloud.Capabilities = Capabilities.None; h.Cloud.Add("app-net", "PAR7S"); }, ConditionTypes.Stalled, Reasons.ManualOrderRequired, [],
            h => Assert.Empty(h.Cloud.Reads)),

        // Create.
        ["the create is sent once, after the intent is saved"] = new(
            _ => { }, ConditionTypes.Reconciling, Reasons.Creating, ["create app-net"],
            h => Assert.Equal([(null, null, true), ("res-1", "act-2", false)], h.Saves)),
        ["the create's last save already holds the pass's conditions: the runtime has nothing more to write"] = new(
            _ => { }, ConditionTypes.Reconciling, Reasons.Creating, ["create app-net"],
            h => Assert.Equal(h.SavedConditions, h.CurrentConditions)),
        ["a platform that cannot create says what to order, and sends nothing"] = new(
            h => h.Cloud.Capabilities = Capabilities.Observe, ConditionTypes.Stalled, Reasons.ManualOrderRequired, [],
            h => Assert.Equal(("Order a widget in the console.", true), (h.Stalled.Message, h.Events.Single().Warning))),
        ["a rule only the platform reveals stalls InvalidSpec before the create"] = new(
            h => h.Kind.CreateViolations = ["spec.organization: not the token's organization (rule G2)"], ConditionTypes.Stalled, Reasons.InvalidSpec, [],
            h => Assert.Contains("G2", h.Stalled.Message, StringComparison.Ordinal)),
        ["a lost answer to the create keeps the intent, and sends nothing more"] = new(
            h => h.Cloud.LoseCreateAnswer = true, ConditionTypes.Reconciling, Reasons.OutcomeUnknown, ["create app-net"],
            h => Assert.NotNull(h.Status.CreatePendingSince)),
        ["a create answered without an id keeps the intent until the id is known"] = new(
            h => h.Cloud.CreateWithoutId = true, ConditionTypes.Reconciling, Reasons.Creating, ["create app-net"],
            h => Assert.Equal((null, true), (h.Status.ExternalId, h.Status.CreatePendingSince is not null))),

        // Change.
        ["a busy resource is reported and waited for"] = new(
            h => h.Status.ExternalId = h.Cloud.Add("app-net", "TH3S", busy: true).Id, ConditionTypes.Reconciling, Reasons.WaitingForPlatform, [],
            h => Assert.Equal(1, h.Kind.Reports)),
        ["what cannot change in place stalls, reported, with nothing sent"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "TH3S").Id; h.Kind.CannotChange = "spec.availabilityZone cannot change (rule C3)."; },
            ConditionTypes.Stalled, Reasons.CannotChangeInPlace, [],
            h => Assert.Equal(1, h.Kind.Reports)),
        ["a resource the platform reports failed stalls with the platform's reason"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.Failed = new Verdict("Refused", "The provider refused it."); },
            ConditionTypes.Stalled, "Refused", []),
        ["a difference is sent as one change, and its activity kept"] = new(
            h => h.Status.ExternalId = h.Cloud.Add("app-net", "TH3S").Id, ConditionTypes.Reconciling, Reasons.Updating, ["update res-1 PAR7S"],
            h => Assert.Equal(("act-2", h.SavedConditions), (h.Status.ActivityId, h.CurrentConditions))),
        ["a change the API cannot make stalls with the order, and nothing is sent"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "TH3S").Id; h.Kind.ChangeOrder = "Order the change in the console."; },
            ConditionTypes.Stalled, Reasons.ManualOrderRequired, []),
        ["a change the operator refuses stalls and warns, with nothing sent"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.Items.Add(_ => new Change("Unmount", "Unmounting", _ => throw new InvalidOperationException("sent")) { Refused = new Verdict(Reasons.PlatformRefused, "VMs would lose their disks.") }); },
            ConditionTypes.Stalled, Reasons.PlatformRefused, [],
            h => Assert.Contains(h.Events, e => e.Warning && e.Reason == Reasons.PlatformRefused)),
        ["a change the operator refuses is refused even where it would be a manual order"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.Items.Add(_ => new Change("Unmount", "Unmounting", _ => throw new InvalidOperationException("sent")) { Refused = new Verdict(Reasons.PlatformRefused, "VMs would lose their disks."), ManualOrder = "Ask support to unmount." }); },
            ConditionTypes.Stalled, Reasons.PlatformRefused, [],
            h => Assert.Equal("VMs would lose their disks.", h.Stalled.Message)),
        ["a refusal of the platform stalls PlatformRefused"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.Items.Add(_ => Refusing("vm-1", onRefused: null)); },
            ConditionTypes.Stalled, Reasons.PlatformRefused, []),
        ["an item the platform refuses is recorded, and the next item is sent"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.Items.Add(_ => Refusing("vm-1", m => h.Events.Add((true, "ItemRefused", m)))); h.Kind.Items.Add(r => new Change("Assign", "Assigning vm-2", _ => Task.FromResult(h.Cloud.Step(r.Id, "assign-vm-2")))); },
            ConditionTypes.Reconciling, Reasons.Updating, ["assign-vm-2 res-1"],
            h => Assert.Contains(h.Events, e => e.Reason == "ItemRefused" && e.Note.Contains("vm-1", StringComparison.Ordinal))),
        ["the plan stops at the first change sent: later items are not even worked out"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "TH3S").Id; h.Kind.Items.Add(_ => throw new InvalidOperationException("worked out")); },
            ConditionTypes.Reconciling, Reasons.Updating, ["update res-1 PAR7S"],
            h => Assert.Equal(0, h.Kind.Planned)),
        ["when every item is refused, the resource is reported and does not meet the spec"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.Items.Add(_ => Refusing("vm-1", _ => h.Kind.NotReady = "vm-1 was refused.")); },
            ConditionTypes.Stalled, Reasons.SpecNotMet, [],
            h => Assert.Equal(("vm-1 was refused.", 1), (h.Stalled.Message, h.Kind.Reports))),
        ["a lost answer to a change is read again before anything else is sent"] = new(
            h => { h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id; h.Kind.Items.Add(_ => new Change("Assign", "Assigning", _ => throw new PlatformOutcomeUnknownException("reset"))); },
            ConditionTypes.Reconciling, Reasons.OutcomeUnknown, []),
    };

    public static TheoryData<string> Cases => [.. s_cases.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OnePass(string name)
    {
        var (arrange, condition, reason, writes, check) = s_cases[name];
        var h = new LifecycleHarness();
        arrange(h);

        await h.PassAsync();

        var raised = h.Condition(condition);
        Assert.True(raised is { Status: ConditionStatus.True }, $"{condition} is not True: {string.Join("; ", h.Status.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"))}");
        Assert.Equal(reason, raised!.Reason);
        Assert.Equal(writes, h.Cloud.Writes);
        check?.Invoke(h);
    }

    private static void InFlight(LifecycleHarness h, ActivityState state, bool withId = true)
    {
        h.Cloud.Activities["act-42"] = state;
        h.Status.ActivityId = "act-42";
        if (withId)
        {
            h.Status.ExternalId = h.Cloud.Resources.Keys.FirstOrDefault() ?? h.Cloud.Add("app-net", "PAR7S").Id;
        }
    }

    private static void Observe(LifecycleHarness h) => h.Entity.Spec.ManagementPolicy = ManagementPolicy.Observe;

    private static void ClaimedElsewhere(LifecycleHarness h, string id, bool adoptBySpec)
    {
        var owner = LifecycleHarness.NewVlan("owner-net");
        owner.Metadata.CreationTimestamp = DateTime.UtcNow.AddDays(-1);
        owner.Status!.ExternalId = id;
        h.View.Add(owner);
        if (adoptBySpec)
        {
            h.Entity.Spec.ExternalId = id;
        }
    }

    private static Change Refusing(string vm, Action<string>? onRefused) =>
        new("Assign", $"Assigning {vm}", _ => throw new PlatformRefusedException("K3", $"{vm} has no such disk.")) { OnRefused = onRefused };
}

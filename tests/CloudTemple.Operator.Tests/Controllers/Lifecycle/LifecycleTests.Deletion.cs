using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Tests.Controllers.Lifecycle;

/// <summary>The lifecycle's deletion path, one case per branch, and the scenarios of a lost create.</summary>
public sealed partial class LifecycleTests
{
    /// <summary>What one finalize must end in: done, or the reason it waits; and the writes sent.</summary>
    internal sealed record DeletionCase(Action<LifecycleHarness> Arrange, string? WaitReason, string[] Writes, Action<LifecycleHarness, FinalizeResult>? Check = null);

    private static readonly Dictionary<string, DeletionCase> s_deletions = new()
    {
        ["objects that still use it hold the deletion, and nothing is sent"] = new(
            h => { Managed(h); h.Kind.Users.Add("BlockVolume/data"); }, "InUse", [],
            (_, r) => Assert.Contains("BlockVolume/data", r.Message, StringComparison.Ordinal)),
        ["objects that still use it hold the deletion before the platform is even connected"] = new(
            h => { Managed(h); h.Kind.Users.Add("Vlan/edge"); h.NoCredentials = true; h.Cloud.Reads.Clear(); }, "InUse", [],
            (h, _) => Assert.Empty(h.Cloud.Reads)),
        ["an operation in flight is waited for"] = new(
            h => { InFlight(h, new ActivityRunning(10, "Running")); }, "Deleting", []),
        ["with no resource, the object goes"] = new(
            _ => { }, null, []),
        ["a resource another object manages is left to it"] = new(
            h => { Managed(h); ClaimedElsewhere(h, "res-1", adoptBySpec: false); h.Status.ExternalId = "res-1"; }, null, [],
            (h, _) => Assert.True(h.Cloud.Resources.ContainsKey("res-1"))),
        ["a resource already gone lets the object go"] = new(
            h => h.Status.ExternalId = "res-gone", null, []),
        ["the delete is sent once and its activity kept"] = new(
            Managed, "Deleting", ["delete res-1"],
            (h, r) => Assert.Equal(("act-2", $"Reconciling=True {r.Reason}: {r.Message}"), (h.Status.ActivityId, h.SavedConditions!.Split("; ").Single(c => c.StartsWith("Reconciling", StringComparison.Ordinal))))),
        ["a platform that cannot delete waits for the order, or Orphan"] = new(
            h => { Managed(h); h.Cloud.Capabilities = Capabilities.Observe; }, Reasons.ManualOrderRequired, [],
            (_, r) => Assert.Equal(("Ask support to delete widget res-1. Or set spec.deletionPolicy: Orphan to leave it on the platform.", TimeSpan.FromMinutes(5)), (r.Message, r.RetryAfter))),
        ["a platform that cannot read waits for the order too"] = new(
            h => { Managed(h); h.Cloud.Capabilities = Capabilities.None; }, Reasons.ManualOrderRequired, []),
        ["a step that waits for the user holds the deletion"] = new(
            h => { Managed(h); h.Kind.Before = _ => BeforeDelete.WaitFor("InUse", "VM 'db' is still encrypted."); }, "InUse", []),
        ["a step before the delete is sent first, instead of the delete"] = new(
            h => { Managed(h); h.Kind.Before = r => BeforeDelete.First(new Change("Decrypting", "Decrypting VM 'db'", _ => Task.FromResult(h.Cloud.Step(r.Id, "decrypt")))); },
            "Decrypting", ["decrypt res-1"]),
        ["a lost answer to the delete is read again before anything else"] = new(
            h => { Managed(h); h.Cloud.LoseDeleteAnswer = true; }, "Deleting", ["delete res-1"],
            (_, r) => Assert.Contains("read again", r.Message, StringComparison.Ordinal)),
    };

    public static TheoryData<string> DeletionCases => [.. s_deletions.Keys];

    [Theory]
    [MemberData(nameof(DeletionCases))]
    public async Task OneDeletionPass(string name)
    {
        var (arrange, waitReason, writes, check) = s_deletions[name];
        var h = new LifecycleHarness();
        arrange(h);

        var result = await h.FinalizeAsync();

        Assert.Equal(waitReason is null, result.IsDone);
        Assert.Equal(waitReason ?? string.Empty, result.Reason);
        Assert.Equal(writes, h.Cloud.Writes);
        check?.Invoke(h, result);
    }

    [Fact]
    public async Task ALostCreate_ThenAReferenceNotReady_ThenReady_EndsWithExactlyOneResource()
    {
        var (h, cpool) = await LoseTheCreateThenTheCpoolAsync();

        LifecycleHarness.SetReady(cpool, ready: true);
        await h.SettleAsync();

        Assert.Equal(["create app-net"], h.Cloud.Writes);
        Assert.Single(h.Cloud.Resources);
        Assert.Equal((ConditionStatus.True, "res-1", (DateTime?)null), (h.Ready.Status, h.Status.ExternalId, h.Status.CreatePendingSince));
    }

    [Fact]
    public async Task ALostCreate_ThenAReferenceNotReady_ThenTheObjectDeleted_LeaksNothing()
    {
        var (h, _) = await LoseTheCreateThenTheCpoolAsync();

        var result = await h.FinalizeAsync();
        for (var i = 0; i < 5 && !result.IsDone; i++)
        {
            result = await h.FinalizeAsync();
        }

        Assert.True(result.IsDone, result.Message);
        Assert.Equal(["create app-net", "delete res-1"], h.Cloud.Writes);
        Assert.Empty(h.Cloud.Resources);
    }

    [Fact]
    public async Task ACreateAnsweredWithoutAnId_IsNotSentAgain_AndItsIdComesFromTheActivity()
    {
        var h = new LifecycleHarness();
        h.Cloud.CreateWithoutId = true;

        await h.SettleAsync();

        Assert.Equal(["create app-net"], h.Cloud.Writes);
        Assert.Equal((ConditionStatus.True, "res-1", (DateTime?)null), (h.Ready.Status, h.Status.ExternalId, h.Status.CreatePendingSince));
    }

    [Fact]
    public async Task AnOperationInFlight_IsPolledSoonerFirst_ThenUpToThePollInterval()
    {
        var h = new LifecycleHarness();
        h.Cloud.ActivityOutcome = _ => new ActivityRunning(0, "Running");
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            delays.Add((await h.PassAsync()).RequeueAfter!.Value);
        }

        var options = new ReconcilerOptions();
        Assert.Equal(options.FirstPollInterval, delays[0]);
        Assert.Equal(options.FirstPollInterval * 2, delays[1]);
        Assert.Equal(options.PollInterval, delays[^1]);
        Assert.Equal(["create app-net"], h.Cloud.Writes);
    }

    // The create is sent and its answer lost; then the referenced Cpool goes not Ready: the object waits, and its intent stays.
    private static async Task<(LifecycleHarness Harness, Cpool Cpool)> LoseTheCreateThenTheCpoolAsync()
    {
        var h = new LifecycleHarness();
        var cpool = h.AddCpool("prod", "cpool-7");
        h.Entity.Spec.CpoolRefs = [new() { Name = "prod" }];
        h.Cloud.LoseCreateAnswer = true;
        await h.PassAsync();
        h.Cloud.LoseCreateAnswer = false;

        LifecycleHarness.SetReady(cpool, ready: false);
        await h.PassAsync();
        Assert.Equal(Reasons.WaitingForReferences, h.Reconciling.Reason);
        Assert.NotNull(h.Status.CreatePendingSince);
        return (h, cpool);
    }

    private static void Managed(LifecycleHarness h) => h.Status.ExternalId = h.Cloud.Add("app-net", "PAR7S").Id;
}

using CloudTemple.Operator.Platform;
using static CloudTemple.Operator.Tests.Platform.Console.ConsoleShapes;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>
/// The activities of the console API: the one-key <c>state</c> object, the 404s just after the
/// write, the 5xx while polling, and the reasons of failure known to be transient.
/// </summary>
public sealed class ActivityContractTests
{
    private const string WorkersReason = "None of the workers were able to respond";

    [Fact]
    public async Task TheFourActivityStates_MapToWaitingRunningFailedAndCompleted()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-w").Answers(Reply.Waiting("act-w"));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-r").Answers(Reply.Running("act-r", 40, "Assigning SLA policies"));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-f").Answers(Reply.Failed("act-f", "The SLA policy sla-x does not exist"));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-c").Answers(Reply.Completed("act-c", "vm-42"));
        var activities = console.Connect().Activities;

        Assert.IsType<ActivityWaiting>(await activities.GetActivityAsync("act-w"));
        Assert.Equal(new ActivityRunning(40, "Assigning SLA policies"), await activities.GetActivityAsync("act-r"));
        Assert.Equal(new ActivityFailed("The SLA policy sla-x does not exist", Transient: false), await activities.GetActivityAsync("act-f"));
        Assert.Equal(new ActivityCompleted("vm-42"), await activities.GetActivityAsync("act-c"));
    }

    [Fact]
    public async Task AFractionalProgression_IsReadAsTheWholePercentReached()
    {
        // The official Terraform provider reads progression as a float64.
        await using var console = await FakeConsole.StartAsync();
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-r").Answers(Reply.Running("act-r", 37.5, "Copying"), Reply.Completed("act-r", "vm-1"));
        var activities = console.Connect().Activities;

        Assert.Equal(new ActivityRunning(37, "Copying"), await activities.GetActivityAsync("act-r"));
        Assert.Equal(new ActivityCompleted("vm-1"), await activities.GetActivityAsync("act-r"));
    }

    [Fact]
    public async Task WaitingOnAWrite_FollowsWaitingAndRunning_ToTheCompletedResult()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-1"));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-1").Answers(
            Reply.Waiting("act-1"), Reply.Running("act-1", 10), Reply.Running("act-1", 90), Reply.Completed("act-1", "vm-1"));
        var platform = console.Connect();

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);
        var completed = await WaitAsync(platform, operation.ActivityId);

        Assert.Equal(new ActivityCompleted("vm-1"), completed);
        Assert.Equal(4, console.RequestsTo(HttpMethod.Get, $"{FakeConsole.ActivitiesRoute}act-1").Count);
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task AFew404sJustAfterTheWrite_AreWaitedThrough_ThenTheActivityCompletes()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-late"));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-late").Answers(Reply.Empty(404), 3).Answers(Reply.Completed("act-late", "vm-1"));
        var platform = console.Connect(o => o with { ActivityNotFoundTolerance = 5 });

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);
        Assert.IsType<ActivityWaiting>(await platform.Activities.GetActivityAsync(operation.ActivityId));
        var completed = await WaitAsync(platform, operation.ActivityId);

        Assert.Equal("vm-1", completed.ResultId);
        Assert.Equal([404, 404, 404, 200], console.RequestsTo(HttpMethod.Get, $"{FakeConsole.ActivitiesRoute}act-late").Select(r => r.Status));
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task AnActivityStill404PastTheTolerance_IsNotFound()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-lost"));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-lost").Answers(Reply.Empty(404));
        var platform = console.Connect(o => o with { ActivityNotFoundTolerance = 3 });

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);

        await Assert.ThrowsAsync<PlatformNotFoundException>(() => WaitAsync(platform, operation.ActivityId));
        Assert.Equal(4, console.RequestsTo(HttpMethod.Get, $"{FakeConsole.ActivitiesRoute}act-lost").Count);
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task PollingThroughABurstOfEight5xx_StillCompletes()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-5xx"));
        ScriptBurst(console, "act-5xx");

        // The circuit breaker is left out here (ResilienceTests covers it); the next test keeps it.
        var platform = console.Connect(o => o with { BreakerMinimumThroughput = 1000 });

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);
        var completed = await WaitAsync(platform, operation.ActivityId);

        Assert.Equal("vm-1", completed.ResultId);
        Assert.Equal(8, console.RequestsTo(HttpMethod.Get, $"{FakeConsole.ActivitiesRoute}act-5xx").Count(r => r.Status >= 500));
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task PollingThroughABurstOfEight5xxThatOpensTheCircuit_StillCompletesOnceTheBreakIsOver()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-5xx"));
        ScriptBurst(console, "act-5xx");

        // The default breaker (10 attempts, half failed) opens on the seventh 5xx. Polls 400 ms apart and a
        // 0.5 s break (Polly's least) keep the production ratio of poll delays (1–30 s) to the break (15 s):
        // each break costs at most one poll of the eight tolerated.
        var platform = console.Connect(o => o with
        {
            PollInitialDelay = TimeSpan.FromMilliseconds(400),
            PollMaxDelay = TimeSpan.FromMilliseconds(400),
            BreakerBreakDuration = TimeSpan.FromMilliseconds(500),
        });

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);
        var completed = await WaitAsync(platform, operation.ActivityId);

        Assert.Equal("vm-1", completed.ResultId);
        Assert.Equal(8, console.RequestsTo(HttpMethod.Get, $"{FakeConsole.ActivitiesRoute}act-5xx").Count(r => r.Status >= 500));
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task Polling_ToleratesSevenFailedPollsInARow_AndGivesUpAtTheEighth()
    {
        // One attempt per poll, so that each 5xx is one failed poll.
        static PlatformOptions OnePerPoll(PlatformOptions o) => o with { MaxReadAttempts = 1, MaxConsecutivePollFailures = 8 };
        await using var console = await FakeConsole.StartAsync();
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-7").Answers(Reply.Empty(502), 7).Answers(Reply.Completed("act-7", "ok"));
        var tolerant = console.Connect(OnePerPoll);

        Assert.Equal("ok", (await WaitAsync(tolerant, "act-7")).ResultId);

        // Another session, whose circuit breaker has not seen the first burst.
        await using var other = await FakeConsole.StartAsync();
        other.OnGet($"{FakeConsole.ActivitiesRoute}act-8").Answers(Reply.Empty(502), 8).Answers(Reply.Completed("act-8", "ok"));
        var error = await Assert.ThrowsAsync<PlatformUnavailableException>(() => WaitAsync(other.Connect(OnePerPoll), "act-8"));
        Assert.Equal(502, error.StatusCode);
        Assert.Equal(8, other.RequestsTo(HttpMethod.Get, $"{FakeConsole.ActivitiesRoute}act-8").Count);
    }

    [Theory]
    [InlineData(WorkersReason, true)]
    [InlineData("Failed to load configuration via API: 502 Bad Gateway", true)]
    [InlineData("The SLA policy sla-x does not exist", false)]
    [InlineData("Datastore ds-par7s-01 has not enough free space", false)]
    public async Task AFailureReason_IsTransientOnlyWhenThePlatformIsKnownToGiveItForTransientErrors(string reason, bool transient)
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-f").Answers(Reply.Failed("act-f", reason));
        var platform = console.Connect();

        Assert.Equal(new ActivityFailed(reason, transient), await platform.Activities.GetActivityAsync("act-f"));
        var failure = await Assert.ThrowsAsync<OperationFailedException>(() => WaitAsync(platform, "act-f"));
        Assert.Equal(transient, failure.Transient);
        Assert.Equal(reason, failure.Reason);
        Assert.Equal("act-f", failure.ActivityId);
    }

    [Fact]
    public async Task TheWorkersFailureAfterAnSlaAssignment_IsATransientOperationFailure()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-workers", 202));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-workers").Answers(Reply.Running("act-workers", 0), Reply.Failed("act-workers", WorkersReason));
        var platform = console.Connect();

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);
        var failure = await Assert.ThrowsAsync<OperationFailedException>(() => WaitAsync(platform, operation.ActivityId));

        Assert.True(failure.Transient);
        Assert.Equal("act-workers", failure.ActivityId);
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    private static void ScriptBurst(FakeConsole console, string activityId) =>
        console.OnGet($"{FakeConsole.ActivitiesRoute}{activityId}")
            .Answers(Reply.Running(activityId, 20))
            .Answers(Reply.Empty(500), Reply.Empty(502), Reply.Empty(503), Reply.Empty(502), Reply.Empty(500), Reply.Empty(502), Reply.Empty(500), Reply.Empty(502))
            .Answers(Reply.Completed(activityId, "vm-1"));

    private static async Task<ActivityCompleted> WaitAsync(IPlatform platform, string activityId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await platform.Activities.WaitAsync(activityId, deadline.Token);
    }
}

using CloudTemple.Operator.Platform;
using static CloudTemple.Operator.Tests.Platform.Console.ConsoleShapes;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>
/// The writes the console driver really sends (the SLA assignment and the inventory job run): the
/// activity id from the Location header, and a write sent once — again only after a 429.
/// </summary>
public sealed class WriteContractTests
{
    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    public async Task AnSlaAssignmentAccepted_YieldsTheActivityIdOfItsLocationHeader(int status)
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("4b1e7c30-act-sla", status));
        var platform = console.Connect();

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);

        Assert.Equal("4b1e7c30-act-sla", operation.ActivityId);
        var write = Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
        Assert.Equal(["vm-1"], write.Json.GetProperty("virtualMachineIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["sla-daily"], write.Json.GetProperty("slaPolicies").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(202)]
    public async Task TheInventoryJobRunAccepted_YieldsTheActivityIdOfItsLocationHeader_ForTheHypervisorInventoryJob(int status)
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(CatalogJobs).Answers(Reply.Json(CatalogJobList("job-hv-inventory")));
        console.OnPost(JobRun).Answers(Reply.Accepted("9e2d-act-job", status));
        var platform = console.Connect();

        var operation = await platform.Backup.RunInventoryJobAsync();

        Assert.Equal("9e2d-act-job", operation.ActivityId);
        Assert.Equal("job-hv-inventory", operation.ResourceId);
        var run = Assert.Single(console.RequestsTo(HttpMethod.Post, JobRun));
        Assert.Equal("job-hv-inventory", run.Json.GetProperty("jobId").GetString());
        Assert.Equal("?type=catalog", Assert.Single(console.RequestsTo(HttpMethod.Get, Jobs)).Query);
    }

    [Fact]
    public async Task A429OnAWrite_IsSentAgainAfterItsRetryAfter_AndProcessedOnce()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.TooManyRequests(retryAfterSeconds: 1), Reply.Accepted("act-after-429"));
        var platform = console.Connect();

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);

        Assert.Equal("act-after-429", operation.ActivityId);
        var writes = console.RequestsTo(HttpMethod.Post, SlaAssignment);
        Assert.Equal([429, 201], writes.Select(w => w.Status));
        Assert.True(writes[1].ArrivedAt - writes[0].ArrivedAt >= Timing.OneSecond, $"Sent again after {writes[1].ArrivedAt - writes[0].ArrivedAt}.");
    }

    [Fact]
    public async Task AWriteStill429AfterItsAttempts_IsUnavailable_AndSentNoMoreThanTheBound()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.TooManyRequests(retryAfterSeconds: 0));
        var platform = console.Connect(o => o with { MaxWriteAttemptsOn429 = 3 });

        var error = await Assert.ThrowsAsync<PlatformUnavailableException>(() => platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(3, console.RequestsTo(HttpMethod.Post, SlaAssignment).Count);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task A5xxOnAnSlaAssignment_IsOutcomeUnknown_AndTheWriteReachedTheServerExactlyOnce(int status)
    {
        await using var console = await FakeConsole.StartAsync();

        // Were the write sent again, the second answer would accept it.
        console.OnPost(SlaAssignment).Answers(Reply.Empty(status), Reply.Accepted("act-second-send"));
        var platform = console.Connect();

        var error = await Assert.ThrowsAsync<PlatformOutcomeUnknownException>(() => platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal("vm-1", error.ResourceId);
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    public async Task A5xxOnTheInventoryJobRun_IsOutcomeUnknown_AndTheRunReachedTheServerExactlyOnce(int status)
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(CatalogJobs).Answers(Reply.Json(CatalogJobList("job-hv-inventory")));
        console.OnPost(JobRun).Answers(Reply.Empty(status), Reply.Accepted("act-second-send"));
        var platform = console.Connect();

        var error = await Assert.ThrowsAsync<PlatformOutcomeUnknownException>(() => platform.Backup.RunInventoryJobAsync());

        Assert.Equal("job-hv-inventory", error.ResourceId);
        Assert.Single(console.RequestsTo(HttpMethod.Post, JobRun));
    }

    [Fact]
    public async Task AWriteAcceptedWithoutALocation_IsOutcomeUnknown_AndNotSentAgain()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Empty(201), Reply.Accepted("act-second-send"));
        var platform = console.Connect();

        await Assert.ThrowsAsync<PlatformOutcomeUnknownException>(() => platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]));

        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task A403OnAWrite_IsForbidden_AndNotSentAgain()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(
            Reply.Json(new { error = new { status = "403 Forbidden", message = "Missing permission backup_write" } }, 403),
            Reply.Accepted("act-second-send"));
        var platform = console.Connect();

        var error = await Assert.ThrowsAsync<PlatformForbiddenException>(() => platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]));

        Assert.Contains("backup_write", error.Message, StringComparison.Ordinal);
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }
}

using CloudTemple.Operator.Platform;
using static CloudTemple.Operator.Tests.Platform.Console.ConsoleShapes;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>
/// The SLA assignment sequence of the console API: a VM the backup inventory has not seen gets the
/// "Hypervisor Inventory" catalog job and no assignment; once inventoried, one assignment with
/// non-empty lists that keeps the VM's policies; an empty list is never sent.
/// </summary>
public sealed class BackupAssignmentContractTests
{
    private const string Vm = "vm-5f2a";
    private static readonly BackupAssignmentSpecification WebOne = new("web-01", []);

    [Fact]
    public async Task AssigningAVmTheBackupInventoryHasNotSeen_RunsTheCatalogJob_AndSendsNoAssignment()
    {
        await using var console = await FakeConsole.StartAsync();
        ScriptInventory(console);
        console.OnGet($"{BackupVirtualMachines}/{Vm}").Answers(Reply.Json(new { error = new { status = "404 Not Found", message = "Virtual machine not found" } }, 404));
        var platform = console.Connect();

        var operation = await platform.Backup.AssignAsync("sla-daily", WebOne);

        Assert.Equal("act-inventory", operation.ActivityId);
        Assert.Equal("job-hv-inventory", operation.ResourceId);
        Assert.Equal(["job-hv-inventory"], console.RequestsTo(HttpMethod.Post, JobRun).Select(r => r.Json.GetProperty("jobId").GetString()));
        Assert.Single(console.RequestsTo(HttpMethod.Get, Jobs), r => r.Query == "?type=catalog");
        Assert.Empty(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task OnceTheVmIsInventoried_ExactlyOneAssignmentIsSent_WithNonEmptyListsKeepingItsPolicies()
    {
        await using var console = await FakeConsole.StartAsync();
        ScriptInventory(console);
        console.OnGet($"{BackupVirtualMachines}/{Vm}").Answers(
            Reply.Empty(404),
            Reply.Json(BackupVirtualMachine(Vm, "web-01", "sla-weekly")));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-inventory").Answers(Reply.Running("act-inventory", 50), Reply.Completed("act-inventory", "job-hv-inventory"));
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-assign"));
        console.OnGet($"{FakeConsole.ActivitiesRoute}act-assign").Answers(Reply.Completed("act-assign", Vm));
        var platform = console.Connect();

        // First pass: the inventory job, waited for; second pass: the assignment.
        var inventory = await platform.Backup.AssignAsync("sla-daily", WebOne);
        await WaitAsync(platform, inventory.ActivityId);
        var assignment = await platform.Backup.AssignAsync("sla-daily", WebOne);
        await WaitAsync(platform, assignment.ActivityId);

        Assert.Equal("act-assign", assignment.ActivityId);
        Assert.Single(console.RequestsTo(HttpMethod.Post, JobRun));
        var sent = Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
        Assert.Equal([Vm], sent.Json.GetProperty("virtualMachineIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["sla-weekly", "sla-daily"], sent.Json.GetProperty("slaPolicies").EnumerateArray().Select(e => e.GetString()));
        // The second pass reads the VMs from the session's shared list: the inventory job (a backup
        // write) changes nothing the compute list shows, so the list is asked once.
        var order = console.Requests.Where(r => r.Path != FakeConsole.TokenRoute && !r.Path.StartsWith(FakeConsole.ActivitiesRoute, StringComparison.Ordinal))
            .Select(r => $"{r.Method} {r.Path}{r.Query} {r.Status}");
        Assert.Equal(
            [
                $"GET {VirtualMachines} 200",
                $"GET {BackupVirtualMachines}/{Vm} 404",
                $"GET {CatalogJobs} 200",
                $"POST {JobRun} 201",
                $"GET {BackupVirtualMachines}/{Vm} 200",
                $"POST {SlaAssignment} 201",
            ],
            order);
    }

    [Fact]
    public async Task APolicyTheVmAlreadyHas_IsNotListedTwice()
    {
        await using var console = await FakeConsole.StartAsync();
        ScriptInventory(console);
        console.OnGet($"{BackupVirtualMachines}/{Vm}").Answers(Reply.Json(BackupVirtualMachine(Vm, "web-01", "sla-daily", "sla-weekly")));
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-assign"));
        var platform = console.Connect();

        await platform.Backup.AssignAsync("sla-daily", WebOne);

        var sent = Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
        Assert.Equal(["sla-daily", "sla-weekly"], sent.Json.GetProperty("slaPolicies").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(console.RequestsTo(HttpMethod.Post, JobRun));
    }

    [Fact]
    public async Task AVmStillNotInventoriedAfterTheBoundedRuns_IsRefused_WithoutAnAssignment()
    {
        await using var console = await FakeConsole.StartAsync();
        ScriptInventory(console);
        console.OnGet($"{BackupVirtualMachines}/{Vm}").Answers(Reply.Empty(404));
        var platform = console.Connect();

        for (var run = 0; run < 3; run++)
        {
            await platform.Backup.AssignAsync("sla-daily", WebOne);
        }

        var refusal = await Assert.ThrowsAsync<PlatformRefusedException>(() => platform.Backup.AssignAsync("sla-daily", WebOne));

        Assert.Equal("K3", refusal.Rule);
        Assert.Equal(3, console.RequestsTo(HttpMethod.Post, JobRun).Count);
        Assert.Empty(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task AnEmptyAssignmentList_ThrowsBeforeAnythingIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-empty"));
        var platform = console.Connect();

        await Assert.ThrowsAsync<ArgumentException>(() => platform.Backup.AssignSlaPoliciesAsync([Vm], []));
        await Assert.ThrowsAsync<ArgumentException>(() => platform.Backup.AssignSlaPoliciesAsync([], ["sla-daily"]));

        Assert.Empty(console.Requests);
    }

    private static void ScriptInventory(FakeConsole console)
    {
        console.OnGet(VirtualMachines).Answers(Reply.Json(new[] { VirtualMachine("vm-other", "db-01"), VirtualMachine(Vm, "web-01") }));
        console.OnGet(CatalogJobs).Answers(Reply.Json(CatalogJobList("job-hv-inventory")));
        console.OnPost(JobRun).Answers(Reply.Accepted("act-inventory"));
    }

    private static async Task WaitAsync(IPlatform platform, string activityId)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await platform.Activities.WaitAsync(activityId, deadline.Token);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Service;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class FaultTests
{
    private static readonly int[] ServerErrors = [500, 502, 503];

    private static readonly object NewCpool = new { name = "faulty", zone = "AZ07", bladeType = "eco", hosts = 1 };

    private static Task<SimulatorService> StartAsync(FaultOptions faults) => SimulatorService.StartAsync(o => o with { Faults = faults });

    [Fact]
    public async Task A429_CarriesRetryAfterAndTheDocumentedBody_AndTheWriteDidNotHappen()
    {
        await using var service = (await StartAsync(new FaultOptions { Seed = 1, TooManyRequests = 1, RetryAfterSeconds = 2 })).LoginInProcess();
        var before = service.Platform.GetCpools(SimulatorService.AcmeTenant).Count;

        var response = await service.PostAsync("/api/simulator/v1/cpools", NewCpool);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter!.Delta);
        Assert.Equal("""{"error":{"status":"429 Too Many Requests","message":"Too Many Requests"}}""", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, service.Platform.GetCpools(SimulatorService.AcmeTenant).Count);
    }

    [Fact]
    public async Task A5xxOnAWrite_LosesOnlyTheAnswer_TheWriteHappenedAndIsVisible()
    {
        await using var service = (await StartAsync(new FaultOptions { Seed = 1, ServerErrors = 1 })).LoginInProcess();
        var before = service.Platform.GetCpools(SimulatorService.AcmeTenant).Count;

        var response = await service.PostAsync("/api/simulator/v1/cpools", NewCpool);

        Assert.Contains((int)response.StatusCode, ServerErrors);
        Assert.Null(response.Headers.Location);
        var created = Assert.Single(service.Platform.GetCpools(SimulatorService.AcmeTenant), c => c.Name == "faulty");
        Assert.Equal(before + 1, service.Platform.GetCpools(SimulatorService.AcmeTenant).Count);
        Assert.Single(service.Platform.GetOperationsOn(created.Id));
    }

    [Fact]
    public async Task A5xxOnARead_AnswersBeforeTheRead()
    {
        await using var service = (await StartAsync(new FaultOptions { Seed = 3, ServerErrors = 1 })).LoginInProcess();

        var response = await service.Client.GetAsync("/api/compute/v1/vcenters/host_clusters");

        Assert.Contains((int)response.StatusCode, ServerErrors);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.StartsWith(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), error.GetProperty("status").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtraLatency_DelaysEachRequest_ByTheSeededDraw()
    {
        var max = TimeSpan.FromMilliseconds(400);
        await using var service = (await StartAsync(new FaultOptions { Seed = 7, MaxLatency = max })).LoginInProcess();
        var expected = max * new Random(7).NextDouble();

        var watch = Stopwatch.StartNew();
        var response = await service.Client.GetAsync("/api/compute/v1/vcenters/host_clusters");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed >= expected - TimeSpan.FromMilliseconds(20), $"{watch.Elapsed} < {expected}");
    }

    [Fact]
    public async Task ATransientOperationFailure_FailsTheActivityWithAKnownReason_AndLeavesNothing()
    {
        await using var service = await (await StartAsync(new FaultOptions { Seed = 1, TransientFailures = 1 })).LoginAsync();

        var (activityId, cpoolId) = await service.AcceptedAsync("/api/simulator/v1/cpools", NewCpool);

        var failed = (await service.WaitForActivityAsync(activityId)).GetProperty("state").GetProperty("failed");
        Assert.Contains(failed.GetProperty("reason").GetString(), FaultInjector.TransientReasons);
        Assert.Null(service.Platform.GetCpool(cpoolId));
    }

    [Fact]
    public async Task AStuckOperation_StaysWaiting_ThenIsReleased()
    {
        await using var service = await (await StartAsync(new FaultOptions { Seed = 1, StuckOperations = 1, StuckFor = TimeSpan.FromMilliseconds(500) })).LoginAsync();

        var (activityId, _) = await service.AcceptedAsync("/api/simulator/v1/cpools", NewCpool);

        Assert.Equal("waiting", SimulatorService.StateOf(await service.GetJsonAsync($"/api/activity/v1/activities/{activityId}")));
        Assert.Equal("completed", SimulatorService.StateOf(await service.WaitForActivityAsync(activityId)));
    }

    [Fact]
    public async Task AnActivity_Answers404_ForItsFirstPolls()
    {
        await using var service = await (await StartAsync(new FaultOptions { ActivityNotFoundPolls = 2 })).LoginAsync();
        var (activityId, _) = await service.AcceptedAsync("/api/simulator/v1/cpools", NewCpool);
        var path = $"/api/activity/v1/activities/{activityId}";

        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task TheSameSeed_GivesTheSameFaults()
    {
        var faults = new FaultOptions { Seed = 42, TooManyRequests = 0.2, ServerErrors = 0.3 };

        async Task<List<int>> Statuses()
        {
            await using var service = (await StartAsync(faults)).LoginInProcess();
            var statuses = new List<int>();
            for (var i = 0; i < 30; i++)
            {
                statuses.Add((int)(await service.Client.GetAsync("/api/compute/v1/vcenters/datastores")).StatusCode);
            }

            return statuses;
        }

        var first = await Statuses();
        Assert.Equal(first, await Statuses());
        Assert.Contains(200, first);
        Assert.Contains(429, first);
        Assert.Contains(first, s => s >= 500);
    }

    [Fact]
    public async Task OperationFaults_NeverTouchAWriteThatWasRefused()
    {
        await using var service = await (await StartAsync(new FaultOptions { Seed = 1, TransientFailures = 1 })).LoginAsync();

        var response = await service.PostAsync("/api/simulator/v1/cpools", new { name = "big", zone = "AZ07", bladeType = "eco", hosts = 33 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(service.Platform.GetCpools(SimulatorService.AcmeTenant), c => c.Name == "big");
        Assert.Equal(SimulatorOptions.Immediate, service.Platform.Options);
    }
}

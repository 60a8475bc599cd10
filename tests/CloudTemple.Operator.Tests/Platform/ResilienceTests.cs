using System.Diagnostics;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Simulator.Service;
using Polly.CircuitBreaker;

namespace CloudTemple.Operator.Tests.Platform;

public sealed class ResilienceTests
{
    private const string Cpools = "/api/simulator/v1/cpools";

    private static Task<PlatformHarness> StartAsync(FaultOptions faults, Func<PlatformOptions, PlatformOptions>? client = null) =>
        PlatformHarness.StartAsync(s => s with { Faults = faults }, client);

    [Fact]
    public async Task A429OnARead_IsRetriedAfterItsRetryAfter()
    {
        // token exchange, list (429), list again, cpool view, host cluster
        var seed = FaultSeeds.Find(0.5, 0, "otooo");
        await using var harness = await StartAsync(new FaultOptions { Seed = seed, TooManyRequests = 0.5, RetryAfterSeconds = 1 });

        var watch = Stopwatch.StartNew();
        var cpool = await harness.Platform.Compute.FindCpoolByNameAsync("prod-par7s");

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"Retried after {watch.Elapsed}, before the Retry-After of 1 s.");
        Assert.Equal(3, cpool!.Hosts);
        Assert.Equal([429, 200], harness.RequestsTo(Cpools).Take(2).Select(r => r.Status));
    }

    [Fact]
    public async Task ABurstOf5xxOnReads_IsSurvivedWithinTheBoundedAttempts()
    {
        var seed = FaultSeeds.Find(0, 0.5, "osssoo");
        await using var harness = await StartAsync(new FaultOptions { Seed = seed, ServerErrors = 0.5 });

        var vms = await harness.Platform.Compute.GetVirtualMachinesAsync();

        Assert.Contains(vms, v => v.Name == "web-01" && v.PoweredOn);
        Assert.Equal(4, harness.RequestsTo("/api/simulator/v1/virtual-machines").Count);
    }

    [Fact]
    public async Task ReadsThatKeepFailing_StopAfterTheBound_AsUnavailable()
    {
        var seed = FaultSeeds.Find(0, 0.8, "ossss");
        await using var harness = await StartAsync(new FaultOptions { Seed = seed, ServerErrors = 0.8 });

        var error = await Assert.ThrowsAsync<PlatformUnavailableException>(() => harness.Platform.Compute.GetVirtualMachinesAsync());

        Assert.True(error.StatusCode >= 500);
        Assert.Equal(4, harness.RequestsTo("/api/simulator/v1/virtual-machines").Count);
    }

    [Fact]
    public async Task A5xxOnACreate_IsNotRetried_AndSurfacesAsOutcomeUnknown_WhileTheCpoolExistsOnce()
    {
        var seed = FaultSeeds.Find(0, 0.5, "osooo");
        await using var harness = await StartAsync(new FaultOptions { Seed = seed, ServerErrors = 0.5 });

        var error = await Assert.ThrowsAsync<PlatformOutcomeUnknownException>(
            () => harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("lost-answer", Zone.AZ07, BladeType.Eco, 1)));

        Assert.Equal("lost-answer", error.ResourceName);
        Assert.Equal("cpool", error.ResourceKind);
        Assert.Single(harness.RequestsTo(Cpools), r => r.Method == HttpMethod.Post);
        var created = Assert.Single(harness.Simulated.GetCpools(PlatformHarness.AcmeTenant), c => c.Name == "lost-answer");
        var found = await harness.Platform.Compute.FindCpoolByNameAsync("lost-answer");
        Assert.Equal(created.Id, found!.Id);
        Assert.Single(harness.Simulated.GetOperationsOn(found.Id));
    }

    [Fact]
    public async Task A5xxOnAChange_CarriesTheResourceToCheck()
    {
        // token exchange, list of cpools (the name lookup is served from it), the change (5xx)
        var seed = FaultSeeds.Find(0, 0.5, "oos");
        await using var harness = await StartAsync(new FaultOptions { Seed = seed, ServerErrors = 0.5 });
        var cpool = (await harness.Platform.Compute.FindCpoolByNameAsync("edge-az07"))!;

        var error = await Assert.ThrowsAsync<PlatformOutcomeUnknownException>(
            () => harness.Platform.Compute.UpdateHypervisorAsync(cpool.Id, "24674464"));

        Assert.Equal(cpool.Id, error.ResourceId);
        Assert.Single(harness.Simulated.GetOperationsOn(cpool.Id), o => o.Description.Contains("24674464", StringComparison.Ordinal));
        Assert.Single(harness.RequestsTo($"/api/simulator/v1/cpools/{cpool.Id}/hypervisor-update"));
    }

    [Fact]
    public async Task AWriteThatTimesOut_IsNotRetried_AndSurfacesAsOutcomeUnknown()
    {
        // Per request the injector draws the latency, then the fault: the token exchange fast (at most
        // 100 ms), the write slow (at least 5 s), with a wide margin on either side of the 3 s attempt
        // timeout so that a loaded machine cannot time the token exchange out instead.
        var seed = Enumerable.Range(0, 100_000).First(seed =>
        {
            var random = new Random(seed);
            var token = random.NextDouble();
            random.NextDouble();
            var write = random.NextDouble();
            return token < 0.01 && write > 0.5;
        });
        await using var harness = await StartAsync(
            new FaultOptions { Seed = seed, MaxLatency = TimeSpan.FromSeconds(10) },
            c => c with { AttemptTimeout = TimeSpan.FromSeconds(3) });

        var error = await Assert.ThrowsAsync<PlatformOutcomeUnknownException>(
            () => harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("slow", Zone.AZ07, BladeType.Eco, 1)));

        Assert.Equal("slow", error.ResourceName);
        Assert.IsType<Polly.Timeout.TimeoutRejectedException>(error.InnerException);
    }

    [Fact]
    public async Task A401OnAWrite_ReauthenticatesOnce_AndTheWriteHappensOnce()
    {
        var serverClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await PlatformHarness.StartAsync(s => s with { Clock = serverClock });
        await harness.Platform.Compute.GetVirtualMachinesAsync();
        serverClock.Advance(TimeSpan.FromMinutes(10));

        var operation = await harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("after-401", Zone.AZ07, BladeType.Eco, 1));

        Assert.Equal([401, 202], harness.RequestsTo(Cpools).Select(r => r.Status));
        Assert.Single(harness.Simulated.GetCpools(PlatformHarness.AcmeTenant), c => c.Name == "after-401" && c.Id == operation.ResourceId);
    }

    [Fact]
    public async Task A429OnAWrite_IsSentAgain_BecauseThePlatformDidNotProcessIt()
    {
        var seed = FaultSeeds.Find(0.3, 0, "oto");
        await using var harness = await StartAsync(new FaultOptions { Seed = seed, TooManyRequests = 0.3, RetryAfterSeconds = 1 });

        var operation = await harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("throttled", Zone.AZ07, BladeType.Eco, 1));

        Assert.Equal([429, 202], harness.RequestsTo(Cpools).Select(r => r.Status));
        Assert.Single(harness.Simulated.GetCpools(PlatformHarness.AcmeTenant), c => c.Name == "throttled" && c.Id == operation.ResourceId);
    }

    [Fact]
    public async Task TheCircuitOpens_AfterRepeatedFailures_AndThenNothingIsSent()
    {
        var seed = FaultSeeds.Find(0, 0.9, "o" + new string('s', 12));
        await using var harness = await StartAsync(
            new FaultOptions { Seed = seed, ServerErrors = 0.9 },
            c => c with { MaxReadAttempts = 2, BreakerMinimumThroughput = 4, BreakerBreakDuration = TimeSpan.FromMinutes(1) });

        await Assert.ThrowsAsync<PlatformUnavailableException>(() => harness.Platform.Compute.GetVirtualMachinesAsync());
        await Assert.ThrowsAsync<PlatformUnavailableException>(() => harness.Platform.Compute.GetVirtualMachinesAsync());
        var sent = harness.Requests.Count;
        var open = await Assert.ThrowsAsync<PlatformUnavailableException>(() => harness.Platform.Compute.GetVirtualMachinesAsync());

        Assert.IsType<BrokenCircuitException>(open.InnerException);
        Assert.Equal(sent, harness.Requests.Count);
        var write = await Assert.ThrowsAsync<PlatformUnavailableException>(
            () => harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("never-sent", Zone.AZ07, BladeType.Eco, 1)));
        Assert.IsType<BrokenCircuitException>(write.InnerException);
        Assert.DoesNotContain(harness.Simulated.GetCpools(PlatformHarness.AcmeTenant), c => c.Name == "never-sent");
    }

    [Fact]
    public async Task TheClientSideRateLimit_SpacesRequests()
    {
        await using var harness = await PlatformHarness.StartAsync(client: c => c with { RequestsPerSecond = 5 });

        // Ten cpools the shared list lacks: each is read at its own route (one list, then ten requests
        // really sent, all on the simulator's budget of 5 a second with a burst of 5).
        var watch = Stopwatch.StartNew();
        var reads = Enumerable.Range(0, 10).Select(i => Assert.ThrowsAsync<PlatformNotFoundException>(() => harness.Platform.Compute.GetCpoolAsync($"cpool-absent-{i}")));
        await Task.WhenAll(reads);

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(1100), $"11 requests at 5/s took {watch.Elapsed}.");
        Assert.Single(harness.RequestsTo(Cpools), r => r.Path == Cpools);
        Assert.Equal(10, harness.RequestsTo($"{Cpools}/cpool-absent-").Count);
    }

    [Fact]
    public async Task ARefusal_IsMappedToPlatformRefused_WithItsRule()
    {
        await using var harness = await PlatformHarness.StartAsync();

        var refusal = await Assert.ThrowsAsync<PlatformRefusedException>(
            () => harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("too-big", Zone.AZ07, BladeType.Eco, 33)));

        Assert.Equal("C1", refusal.Rule);
        Assert.Contains("32", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Simulated.GetCpools(PlatformHarness.AcmeTenant), c => c.Name == "too-big");
    }

    [Fact]
    public async Task AnotherTenantsResource_IsForbidden_AndAnUnknownOneNotFound()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var globex = harness.Simulated.GetCpools("9d2b4f6a-8c1e-4a3b-b5d7-e9f1a3c5b7d9").Single();

        await Assert.ThrowsAsync<PlatformForbiddenException>(() => harness.Platform.Compute.GetCpoolAsync(globex.Id));
        await Assert.ThrowsAsync<PlatformNotFoundException>(() => harness.Platform.Compute.GetCpoolAsync("cpool-does-not-exist"));
        Assert.Null(await harness.Platform.Compute.FindCpoolByNameAsync("no-such-cpool"));
    }

    [Fact]
    public async Task ErrorMessages_NeverCarryCredentialsOrTokens()
    {
        var seed = FaultSeeds.Find(0, 0.5, "osoo");
        await using var harness = await StartAsync(new FaultOptions { Seed = seed, ServerErrors = 0.5 });
        var errors = new List<Exception>
        {
            await Assert.ThrowsAsync<PlatformOutcomeUnknownException>(() => harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("x", Zone.AZ07, BladeType.Eco, 1))),
            await Assert.ThrowsAsync<PlatformRefusedException>(() => harness.Platform.Compute.CreateCpoolAsync(new CpoolSpecification("y", Zone.AZ07, BladeType.Eco, 40))),
            await Assert.ThrowsAsync<PlatformAuthenticationException>(() => harness.Connections.Connect(new PlatformCredentials("pat-x", "s3cr3t-x")).Compute.GetVirtualMachinesAsync()),
        };

        foreach (var text in errors.Select(e => e.ToString()))
        {
            Assert.DoesNotContain(PlatformHarness.AcmeSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(PlatformHarness.AcmePat, text, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3t-x", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Bearer", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
        }
    }
}

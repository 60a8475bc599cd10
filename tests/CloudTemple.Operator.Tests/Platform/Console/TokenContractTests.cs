using System.Globalization;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using Microsoft.Extensions.Time.Testing;
using static CloudTemple.Operator.Tests.Platform.Console.ConsoleShapes;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>The token exchange of the console API: a raw JWT body, its refresh before expiry, and the one re-authentication on a 401.</summary>
public sealed class TokenContractTests
{
    private const string Policies = "/api/backup/v1/spp/policies";
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-03-01T08:00:00Z", CultureInfo.InvariantCulture);
    private static readonly string[] FiveCollections = [HostClusters, Datastores, Networks, VirtualMachines, Policies];

    [Fact]
    public async Task TheTokenExchangeAnswersARawJwt_WhichEveryLaterRequestCarriesAsItsBearer()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(Array.Empty<object>()));
        console.OnGet(VirtualMachines).Answers(Reply.Json(new[] { VirtualMachine("vm-1", "web-01") }));
        var platform = console.Connect();

        Assert.Null(await platform.Compute.FindCpoolByNameAsync("absent"));
        Assert.Single(await platform.Compute.GetVirtualMachinesAsync());

        var exchange = Assert.Single(console.TokenExchanges);
        Assert.Null(exchange.Authorization);
        var jwt = Assert.Single(console.IssuedTokens);
        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.$", jwt);
        Assert.Equal(FakeConsole.TenantId, Jwt.ClaimsOf(jwt).GetProperty("scope").GetProperty("id").GetString());
        var later = console.Requests.Where(r => r.Path != FakeConsole.TokenRoute).ToList();
        Assert.Equal(2, later.Count);
        Assert.All(later, r => Assert.Equal($"Bearer {jwt}", r.Authorization));
        Assert.All(later, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task TheCredentials_AreSentOnlyToTheTokenRoute_AsIdAndSecret()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(Array.Empty<object>()));
        console.OnPost(SlaAssignment).Answers(Reply.Accepted("act-cred"));
        var platform = console.Connect();

        await platform.Compute.FindCpoolByNameAsync("absent");
        await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);

        var exchange = Assert.Single(console.TokenExchanges);
        Assert.Equal(FakeConsole.PatId, exchange.Json.GetProperty("id").GetString());
        Assert.Equal(FakeConsole.PatSecret, exchange.Json.GetProperty("secret").GetString());
        var others = console.Requests.Where(r => r.Path != FakeConsole.TokenRoute).ToList();
        Assert.Equal(2, others.Count);
        Assert.All(others, r =>
        {
            Assert.DoesNotContain(FakeConsole.PatSecret, r.Body + r.Query + r.Authorization, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeConsole.PatId, r.Body + r.Query + r.Authorization, StringComparison.Ordinal);
        });
        Assert.Single(console.RequestsTo(HttpMethod.Post, SlaAssignment));
    }

    [Fact]
    public async Task ATokenNearItsExpiry_IsRefreshedBeforeUse_WithOneExchange()
    {
        var clock = new FakeTimeProvider(Start);
        await using var console = await FakeConsole.StartAsync(clock);
        console.OnGet(HostClusters).Answers(Reply.Json(Array.Empty<object>()));
        var platform = console.Connect(o => o with { Clock = clock, TokenRefreshMargin = TimeSpan.FromSeconds(45) });

        await platform.Compute.FindCpoolByNameAsync("absent");
        clock.Advance(TimeSpan.FromMinutes(4));
        await platform.Compute.FindCpoolByNameAsync("absent");
        Assert.Single(console.TokenExchanges);

        // 4 min 20 s: the token expires in 40 s, inside the 45 s margin.
        clock.Advance(TimeSpan.FromSeconds(20));
        await platform.Compute.FindCpoolByNameAsync("absent");

        Assert.Equal(2, console.TokenExchanges.Count);
        var reads = console.RequestsTo(HttpMethod.Get, HostClusters);
        Assert.Equal([console.IssuedTokens[0], console.IssuedTokens[0], console.IssuedTokens[1]], reads.Select(r => r.Bearer));
        Assert.DoesNotContain(console.Requests, r => r.Status == 401);
    }

    [Fact]
    public async Task ConcurrentFirstCallers_ShareOneTokenExchange()
    {
        await using var console = await FakeConsole.StartAsync();
        ScriptFiveCollections(console);
        var platform = console.Connect();
        console.TokenGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Readers of one collection share its list: ten callers over five collections send five requests, all waiting for the token.
        var reads = Enumerable.Range(0, 10).Select(i => ReadCollection(platform, i)).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(console.ArrivalsAt(FakeConsole.TokenRoute) == 1));
        console.TokenGate.SetResult();
        await Task.WhenAll(reads);

        Assert.Single(console.TokenExchanges);
        var jwt = Assert.Single(console.IssuedTokens);
        var sent = console.Requests.Where(r => r.Path != FakeConsole.TokenRoute).ToList();
        Assert.Equal(FiveCollections.Order(StringComparer.Ordinal), sent.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.All(sent, r => Assert.Equal(jwt, r.Bearer));
    }

    [Fact]
    public async Task ConcurrentCallersOfAnExpiringToken_ShareOneRefresh()
    {
        var clock = new FakeTimeProvider(Start);
        await using var console = await FakeConsole.StartAsync(clock);
        ScriptFiveCollections(console);
        var platform = console.Connect(o => o with { Clock = clock, TokenRefreshMargin = TimeSpan.FromSeconds(45) });
        await platform.Compute.FindCpoolByNameAsync("absent");
        clock.Advance(TimeSpan.FromMinutes(4.5));
        console.TokenGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The list of clusters is older than its freshness window by now: every collection is listed again, five requests.
        var reads = Enumerable.Range(0, 10).Select(i => ReadCollection(platform, i)).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult(console.ArrivalsAt(FakeConsole.TokenRoute) == 2));
        console.TokenGate.SetResult();
        await Task.WhenAll(reads);

        Assert.Equal(2, console.TokenExchanges.Count);
        var refreshed = console.Requests.Where(r => r.Path != FakeConsole.TokenRoute).Skip(1).ToList();
        Assert.Equal(FiveCollections.Order(StringComparer.Ordinal), refreshed.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.All(refreshed, r => Assert.Equal(console.IssuedTokens[1], r.Bearer));
    }

    [Fact]
    public async Task A401OnARead_TriggersExactlyOneReauthentication_AndTheReadSucceeds()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(
            Reply.Json(new { error = new { status = "401 Unauthorized", message = "Token revoked" } }, 401),
            Reply.Json(new[] { Cluster("hc-1", "prod-par7s", "DC-PAR7S", ["host-1"], 768 * GiB, 100 * GiB) }));
        console.OnGet(Hosts).Answers(Reply.Json(new[] { Host("host-1", "esx-par7s-01") }));
        var platform = console.Connect();

        var cpool = await platform.Compute.GetCpoolAsync("hc-1");

        Assert.Equal("prod-par7s", cpool.Name);
        Assert.Equal(2, console.TokenExchanges.Count);
        var reads = console.RequestsTo(HttpMethod.Get, HostClusters);
        Assert.Equal([401, 200], reads.Select(r => r.Status));
        Assert.Equal(console.IssuedTokens, reads.Select(r => r.Bearer));
        Assert.Empty(console.RequestsTo(HttpMethod.Get, $"{HostClusters}/hc-1"));
    }

    [Fact]
    public async Task A401AgainAfterTheReauthentication_SurfacesAsAuthenticationFailure()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnGet(HostClusters).Answers(Reply.Json(new { error = new { status = "401 Unauthorized", message = "Unauthorized" } }, 401));
        var platform = console.Connect();

        await Assert.ThrowsAsync<PlatformAuthenticationException>(() => platform.Compute.GetCpoolAsync("hc-1"));

        Assert.Equal(2, console.TokenExchanges.Count);
        Assert.Equal(2, console.RequestsTo(HttpMethod.Get, HostClusters).Count);
        Assert.Empty(console.RequestsTo(HttpMethod.Get, $"{HostClusters}/hc-1"));
        Assert.Empty(console.RequestsTo(HttpMethod.Get, Hosts));
    }

    [Fact]
    public async Task ATokenGivenAsAJsonString_IsUnquotedBeforeUse()
    {
        await using var console = await FakeConsole.StartAsync();
        var jwt = console.IssueToken();
        console.OnPost(FakeConsole.TokenRoute).Answers(new Reply(200, $"\"{jwt}\""));
        console.OnGet(HostClusters).Answers(Reply.Json(Array.Empty<object>()));
        var platform = console.Connect();

        await platform.Compute.FindCpoolByNameAsync("absent");

        Assert.Equal(jwt, Assert.Single(console.RequestsTo(HttpMethod.Get, HostClusters)).Bearer);
    }

    [Fact]
    public async Task A429OnTheTokenExchange_IsRetriedNoSoonerThanItsRetryAfter()
    {
        await using var console = await FakeConsole.StartAsync();
        var jwt = console.IssueToken();
        console.OnPost(FakeConsole.TokenRoute).Answers(Reply.TooManyRequests(retryAfterSeconds: 1), new Reply(200, jwt, "text/plain"));
        console.OnGet(HostClusters).Answers(Reply.Json(Array.Empty<object>()));
        var platform = console.Connect();

        await platform.Compute.FindCpoolByNameAsync("absent");

        var exchanges = console.TokenExchanges;
        Assert.Equal([429, 200], exchanges.Select(r => r.Status));
        Assert.True(exchanges[1].ArrivedAt - exchanges[0].ArrivedAt >= Timing.OneSecond, $"Exchanged again after {exchanges[1].ArrivedAt - exchanges[0].ArrivedAt}.");
        Assert.Equal(jwt, Assert.Single(console.RequestsTo(HttpMethod.Get, HostClusters)).Bearer);
    }

    [Fact]
    public async Task A401OnAWrite_ReauthenticatesOnce_AndTheWriteIsProcessedOnce()
    {
        await using var console = await FakeConsole.StartAsync();
        console.OnPost(SlaAssignment).Answers(
            Reply.Json(new { error = new { status = "401 Unauthorized", message = "Token revoked" } }, 401),
            Reply.Accepted("act-after-401"));
        var platform = console.Connect();

        var operation = await platform.Backup.AssignSlaPoliciesAsync(["vm-1"], ["sla-daily"]);

        Assert.Equal("act-after-401", operation.ActivityId);
        var writes = console.RequestsTo(HttpMethod.Post, SlaAssignment);
        Assert.Equal([401, 201], writes.Select(w => w.Status));
        Assert.Equal(console.IssuedTokens, writes.Select(w => w.Bearer));
        Assert.Equal(2, console.TokenExchanges.Count);
    }

    [Fact]
    public async Task RefusedCredentials_SurfaceAsAuthenticationFailure_AndNothingElseIsSent()
    {
        await using var console = await FakeConsole.StartAsync();
        using var connections = new ConsolePlatformConnections(FakeConsole.FastOptions with { BaseUrl = console.Address });
        var platform = connections.Connect(new PlatformCredentials(FakeConsole.PatId, "wrong-secret-31"));

        var error = await Assert.ThrowsAsync<PlatformAuthenticationException>(() => platform.Compute.GetVirtualMachinesAsync());

        Assert.DoesNotContain("wrong-secret-31", error.ToString(), StringComparison.Ordinal);
        Assert.Single(console.Requests);
        Assert.Single(console.TokenExchanges);
    }

    private static void ScriptFiveCollections(FakeConsole console)
    {
        foreach (var route in FiveCollections)
        {
            console.OnGet(route).Answers(Reply.Json(Array.Empty<object>()));
        }
    }

    // One read of each of the five collections, by caller number: each list is asked by two of ten callers.
    private static Task ReadCollection(IPlatform platform, int caller) => (caller % 5) switch
    {
        0 => platform.Compute.FindCpoolByNameAsync("absent"),
        1 => platform.Storage.FindVolumeByNameAsync("absent"),
        2 => platform.Network.FindVlanByNameAsync("absent"),
        3 => platform.Compute.GetVirtualMachinesAsync(),
        _ => platform.Backup.FindPolicyByNameAsync("absent"),
    };
}

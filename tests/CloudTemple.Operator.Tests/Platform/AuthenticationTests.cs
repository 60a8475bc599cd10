using System.Text;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.Http;
using Microsoft.Extensions.Time.Testing;

namespace CloudTemple.Operator.Tests.Platform;

public sealed class AuthenticationTests
{
    private const string TokenPath = "/api/iam/v2/auth/personal_access_token";
    private const string HostClusters = "/api/compute/v1/vcenters/host_clusters";
    private const string Cpools = "/api/simulator/v1/cpools";

    [Fact]
    public async Task TheToken_IsExchangedOnce_ThenRefreshedWithinTheMarginBeforeItsExpiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var harness = await PlatformHarness.StartAsync(
            s => s with { Clock = clock, TokenLifetime = TimeSpan.FromMinutes(5) },
            c => c with { Clock = clock, TokenRefreshMargin = TimeSpan.FromSeconds(45) });

        await harness.Platform.Compute.FindCpoolByNameAsync("prod-par7s");
        await harness.Platform.Compute.FindCpoolByNameAsync("dr-th3s");
        Assert.Single(harness.RequestsTo(TokenPath));

        clock.Advance(TimeSpan.FromMinutes(4));
        await harness.Platform.Compute.GetVirtualMachinesAsync();
        Assert.Single(harness.RequestsTo(TokenPath));

        clock.Advance(TimeSpan.FromSeconds(20));
        await harness.Platform.Compute.GetVirtualMachinesAsync();
        Assert.Equal(2, harness.RequestsTo(TokenPath).Count);
        Assert.DoesNotContain(harness.Requests, r => r.Status == 401);
        Assert.Equal(2, harness.Connections.TokenExchanges(harness.Credentials));
    }

    [Fact]
    public async Task ATokenTheServerNoLongerAccepts_IsReplacedByOneReauthentication()
    {
        var serverClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // No list is fresh enough to serve a second read: it goes to the server, with the token it has expired.
        await using var harness = await PlatformHarness.StartAsync(
            s => s with { Clock = serverClock }, c => c with { ListFreshness = TimeSpan.Zero, ListInterval = TimeSpan.Zero, IdleListInterval = TimeSpan.Zero });
        var cpool = await harness.Platform.Compute.FindCpoolByNameAsync("prod-par7s");

        serverClock.Advance(TimeSpan.FromMinutes(10));
        var again = await harness.Platform.Compute.GetCpoolAsync(cpool!.Id);

        Assert.Equal("prod-par7s", again.Name);
        Assert.Equal(2, harness.RequestsTo(TokenPath).Count);
        Assert.Single(harness.Requests, r => r.Status == 401);
        Assert.Equal([200, 401, 200], harness.RequestsTo(Cpools).Select(r => r.Status));
    }

    [Fact]
    public async Task WrongCredentials_ThrowAuthentication_WithoutTheCredentialsInTheMessage()
    {
        await using var harness = await PlatformHarness.StartAsync();
        var wrong = new PlatformCredentials(PlatformHarness.AcmePat, "not-the-secret-4711");

        var error = await Assert.ThrowsAsync<PlatformAuthenticationException>(() => harness.Connections.Connect(wrong).Compute.GetVirtualMachinesAsync());

        Assert.DoesNotContain("not-the-secret-4711", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(PlatformHarness.AcmePat, error.ToString(), StringComparison.Ordinal);
        Assert.Single(harness.RequestsTo(TokenPath));
        Assert.Empty(harness.RequestsTo(HostClusters));
    }

    [Fact]
    public void Credentials_NeverPrintTheirToken()
    {
        var credentials = new PlatformCredentials("pat-id-123", "secret-456", new Uri("http://127.0.0.1:8443/"));

        Assert.DoesNotContain("secret-456", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pat-id-123", credentials.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheExpiryOfAJwt_IsReadFromItsExpClaim()
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var jwt = $"{Part("""{"alg":"HS256"}""")}.{Part("""{"exp":1767225600,"scope":{"id":"t"}}""")}.sig";

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1767225600), TokenCache.ExpiryOf(jwt));
        Assert.Null(TokenCache.ExpiryOf("not-a-jwt"));
    }

    [Fact]
    public async Task Sessions_AreCachedPerCredentials()
    {
        await using var harness = await PlatformHarness.StartAsync();

        Assert.Same(harness.Connections.Connect(harness.Credentials), harness.Connections.Connect(new PlatformCredentials(PlatformHarness.AcmePat, PlatformHarness.AcmeSecret)));
        Assert.NotSame(harness.Connections.Connect(harness.Credentials), harness.Connections.Connect(new PlatformCredentials("pat-acme-staging", "sandbox-acme-staging-secret")));
    }
}

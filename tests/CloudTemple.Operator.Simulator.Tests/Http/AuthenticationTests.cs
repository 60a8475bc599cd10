using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task TheTokenExchange_AnswersARawJwt_WithTheDocumentedClaims()
    {
        await using var service = await SimulatorService.StartAsync();

        var response = await service.PostAsync("/api/iam/v2/auth/personal_access_token", new { id = SimulatorService.AcmePat, secret = SimulatorService.AcmeSecret });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jwt = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain('"', jwt);
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        var claims = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        Assert.Equal(SimulatorService.AcmeTenant, claims.GetProperty("scope").GetProperty("id").GetString());
        Assert.Equal("user-camille-martin", claims.GetProperty("userId").GetString());
        Assert.Equal("org-acme", claims.GetProperty("companyId").GetString());
        Assert.Equal(300, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.Equal("HS256", JsonDocument.Parse(Base64Url(parts[0])).RootElement.GetProperty("alg").GetString());
    }

    [Fact]
    public async Task AWrongSecret_Answers401()
    {
        await using var service = await SimulatorService.StartAsync();

        var response = await service.PostAsync("/api/iam/v2/auth/personal_access_token", new { id = SimulatorService.AcmePat, secret = "wrong" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ARequestWithoutOrWithAForgedToken_Answers401()
    {
        await using var service = await SimulatorService.StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Client.GetAsync("/api/compute/v1/vcenters/host_clusters")).StatusCode);
        service.Authorize("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJl");
        var forged = await service.Client.GetAsync("/api/compute/v1/vcenters/host_clusters");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var body = await forged.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("401 Unauthorized", body.GetProperty("error").GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnExpiredToken_Answers401()
    {
        // exp is in whole seconds: a 1 s lifetime can be over by the first request; 3 s leaves at least 2.
        await using var service = await SimulatorService.StartAsync(o => o with { TokenLifetime = TimeSpan.FromSeconds(3) });
        await service.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/api/compute/v1/vcenters/host_clusters")).StatusCode);

        await Eventually.HoldsAsync(
            async () => (await service.Client.GetAsync("/api/compute/v1/vcenters/host_clusters")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10));
    }

    private static string Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
    }
}

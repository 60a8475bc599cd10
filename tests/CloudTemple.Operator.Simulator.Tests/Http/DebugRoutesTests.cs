using System.Net;
using System.Text.Json;
using CloudTemple.Operator.Simulator.Service;
using CloudTemple.Operator.Simulator.Tests.Support;

namespace CloudTemple.Operator.Simulator.Tests.Http;

/// <summary>/debug/state and /debug/requests answer no token, so they exist only when asked for, and never show a secret.</summary>
public sealed class DebugRoutesTests
{
    [Theory]
    [InlineData("/debug/state")]
    [InlineData("/debug/requests")]
    public async Task TheDebugRoutes_AreNotFound_WithoutTheFlag(string path)
    {
        await using var service = await SimulatorService.StartAsync();

        var response = await service.Client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task WithTheFlag_DebugStateShowsThePlatform_ButRedactsEveryTokenSecret()
    {
        await using var service = await SimulatorService.StartAsync(o => o with { DebugRoutes = true });

        var response = await service.Client.GetAsync("/debug/state");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(SimulatorService.AcmeSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorService.GlobexSecret, text, StringComparison.Ordinal);
        using var state = JsonDocument.Parse(text);
        var tokens = state.RootElement.EnumerateObject().Single(p => p.Name.Equals("personalAccessTokens", StringComparison.OrdinalIgnoreCase)).Value.EnumerateArray().ToList();
        Assert.Contains(tokens, t => t.GetProperty("id").GetString() == SimulatorService.AcmePat);
        Assert.All(tokens, t => Assert.Equal(SimulatorHost.RedactedSecret, t.GetProperty("secret").GetString()));
        Assert.True(state.RootElement.EnumerateObject().Single(p => p.Name.Equals("cpools", StringComparison.OrdinalIgnoreCase)).Value.GetArrayLength() > 0);

        // The redaction is of the answer only: the platform still authenticates with the real secret.
        await service.LoginAsync();
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/debug/requests")).StatusCode);
    }

    [Fact]
    public void TheCommandLine_TurnsTheDebugRoutesOn_OnlyWithDebugRoutes()
    {
        var with = SimulatorCommand.Create().Parse(["--debug-routes"]);
        var without = SimulatorCommand.Create().Parse([]);

        Assert.Empty(with.Errors);
        Assert.True(with.GetValue<bool>("--debug-routes"));
        Assert.False(without.GetValue<bool>("--debug-routes"));
    }
}

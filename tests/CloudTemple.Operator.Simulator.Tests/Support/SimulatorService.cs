using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Service;

namespace CloudTemple.Operator.Simulator.Tests.Support;

/// <summary>The real service on a free loopback port, seeded with config/sandbox/inventory.yaml, and a client for it.</summary>
internal sealed class SimulatorService : IAsyncDisposable
{
    public const string AcmePat = "pat-acme-prod";
    public const string AcmeSecret = "sandbox-acme-prod-secret";
    public const string AcmeTenant = "3f8a6c2e-1d4b-4e7a-9c0f-5b6a7d8e9f01";
    public const string GlobexPat = "pat-globex-prod";
    public const string GlobexSecret = "sandbox-globex-prod-secret";

    private SimulatorService(SimulatorHost host)
    {
        Host = host;
        Client = new HttpClient { BaseAddress = host.Address };
    }

    public static System.Text.Json.JsonSerializerOptions StateJson => StateFile.Json;

    public static string Inventory => RepositoryPaths.Combine("config", "sandbox", "inventory.yaml");

    public SimulatorHost Host { get; }

    public HttpClient Client { get; }

    public SimulatedPlatform Platform => Host.Platform;

    /// <summary>Zero durations, no faults, the seed inventory; <paramref name="configure"/> changes any of it.</summary>
    public static async Task<SimulatorService> StartAsync(Func<ServiceOptions, ServiceOptions>? configure = null)
    {
        var options = new ServiceOptions { Url = "http://127.0.0.1:0", InventoryPath = Inventory, Platform = SimulatorOptions.Immediate };
        return new SimulatorService(await SimulatorHost.StartAsync(configure?.Invoke(options) ?? options));
    }

    /// <summary>Authenticates the client through the token exchange.</summary>
    public async Task<SimulatorService> LoginAsync(string pat = AcmePat, string secret = AcmeSecret)
    {
        var response = await Client.PostAsJsonAsync("/api/iam/v2/auth/personal_access_token", new { id = pat, secret });
        response.EnsureSuccessStatusCode();
        Authorize(await response.Content.ReadAsStringAsync());
        return this;
    }

    /// <summary>Authenticates the client in process (when faults hit every HTTP request).</summary>
    public SimulatorService LoginInProcess(string pat = AcmePat, string secret = AcmeSecret)
    {
        Authorize(Host.IssueToken(pat, secret)!);
        return this;
    }

    public void Authorize(string jwt) => Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", jwt);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>POSTs JSON and returns the answer.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object body) => Client.PostAsJsonAsync(path, body);

    /// <summary>A write that must be accepted: its activity id (from Location) and resource id.</summary>
    public async Task<(string ActivityId, string ResourceId)> AcceptedAsync(string path, object body)
    {
        var response = await PostAsync(path, body);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var activity = json.GetProperty("activityId").GetString()!;
        Assert.Equal($"/api/activity/v1/activities/{activity}", response.Headers.Location!.OriginalString);
        return (activity, json.GetProperty("resourceId").GetString()!);
    }

    /// <summary>The single key of an activity's state object.</summary>
    public static string StateOf(JsonElement activity) => activity.GetProperty("state").EnumerateObject().Single().Name;

    /// <summary>Polls an activity until it is completed or failed, within a deadline.</summary>
    public async Task<JsonElement> WaitForActivityAsync(string activityId, TimeSpan? within = null)
    {
        JsonElement activity = default;
        await Eventually.HoldsAsync(async () =>
        {
            activity = await GetJsonAsync($"/api/activity/v1/activities/{activityId}");
            return StateOf(activity) is "completed" or "failed";
        }, within);
        return activity;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

using System.Text.Json.Nodes;
using CloudTemple.Operator.Controllers;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.IntegrationTests.Runtime;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Service;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// config/samples — a realistic tenant — applied with kubectl to the real API server, reconciled by
/// every controller as `run` wires them (ControllerRegistry), on the simulated platform.
/// </summary>
public sealed class SampleTenantTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    private const string Tenant = "3f8a6c2e-1d4b-4e7a-9c0f-5b6a7d8e9f01";
    private static readonly TimeSpan s_converge = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TheSampleTenant_BecomesReady_WithTheDomainsFigures_AndLeavesNothingBehindWhenDeleted()
    {
        await using var simulator = await SimulatorHost.StartAsync(new ServiceOptions
        {
            Url = "http://127.0.0.1:0",
            InventoryPath = RepositoryPaths.Combine("config", "sandbox", "inventory.yaml"),
            Platform = SimulatorOptions.Immediate,
        });
        var setup = new PlatformSetup("simulated", simulator.Address, new PlatformCredentials("pat-acme-prod", "sandbox-acme-prod-secret"),
            new CredentialsPolicy { OperatorCredentialsNamespaces = [Namespace] });
        await using var host = RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace,
            runtime => ControllerRegistry.Register(runtime, Client, setup), loggers: Loggers);
        var seedVolumes = simulator.Platform.GetBlockVolumes(Tenant).Select(v => v.Name).ToHashSet();

        var started = System.Diagnostics.Stopwatch.StartNew();
        (await Kubectl.RunAsync("apply", "-n", Namespace, "-k", RepositoryPaths.Combine("config", "samples"))).EnsureSuccess();
        var objects = await Eventually.UntilAsync(AllAsync, all => all.Count == 8 && all.All(IsReady), s_converge, "every sample to be Ready");
        Output($"the sample tenant was Ready {started.Elapsed.TotalSeconds:F1} s after kubectl apply");

        JsonObject Status(string name) => objects.Single(o => (string?)o["metadata"]!["name"] == name)["status"]!.AsObject();
        Assert.Equal(6000, (long)Status("prod-data")["iopsLimit"]!);                       // B2: 2 TiB premium
        Assert.Equal(1500, (long)Status("dr-replicas")["iopsLimit"]!);                      // B2: 1 TiB standard
        Assert.NotNull(Status("prod-data")["encryption"]);                                  // B4
        Assert.Contains(Status("prod-data")["billing"]!.AsArray(), b => (string?)b!["sku"] == "csp:fr1:iaas:storage:bloc:premium:v1" && (decimal)b["quantity"]! == 2048);
        Assert.Contains(Status("prod-data")["billing"]!.AsArray(), b => (string?)b!["sku"] == "csp:fr1:iaas:storage:licence:globalmirror:v1");
        Assert.Equal(768, (int)Status("prod-par7s")["memoryGiB"]!);                         // C4: as the spec asks
        Assert.Equal(1152, (int)Status("prod-par7s")["memoryMaxGiB"]!);                     // C4: 3 × 384
        Assert.Equal(256, (int)Status("dr-th3s")["memoryGiB"]!);                            // C4: the default, 2 × 128
        Assert.Equal(0, (int)Status("dr-th3s")["gpus"]!);                                   // C10
        Assert.Contains(Status("prod-par7s")["billing"]!.AsArray(), b => (string?)b!["sku"] == "csp:fr1:iaas:vmware:standard:v3" && (decimal)b["quantity"]! == 3);
        Assert.InRange((int)Status("app-network")["vlanId"]!, 1, 4094);                     // N5
        Assert.Equal("Active", (string?)Status("daily-30d")["phase"]);                     // K2
        Assert.NotEqual("PAR7S", (string?)Status("daily-30d")["backupAvailabilityZone"]);  // K1: never the VMs' zone
        Assert.Equal("Replicating", (string?)Status("app-01-to-th3s")["phase"]);
        Assert.Contains(Status("payments-kms")["virtualMachines"]!.AsArray(), v => (string?)v!["name"] == "pay-01" && (string?)v["state"] == "Encrypted");

        (await Kubectl.RunAsync("delete", "-n", Namespace, "-k", RepositoryPaths.Combine("config", "samples"), "--wait=false")).EnsureSuccess();

        // A key provider that still encrypts a VM is not deleted, and the Cpool it is active on waits
        // for it (docs/api.md): each says why.
        var held = await Eventually.UntilAsync(AllAsync, all => all.Count == 2 && all.All(o => Reason(o) == "InUse"), s_converge, "only the key provider and its Cpool to be held");
        Assert.Contains("VM 'pay-01'", Message(held.Single(o => (string?)o["kind"] == "HsmKeyProvider")), StringComparison.Ordinal);
        Assert.Contains("HsmKeyProvider/payments-kms", Message(held.Single(o => (string?)o["kind"] == "Cpool")), StringComparison.Ordinal);

        // The user's decision, as the message asks: pay-01 leaves the spec, is decrypted, and the rest goes.
        (await Kubectl.RunAsync("patch", "hsmkeyprovider", "payments-kms", "-n", Namespace, "--type=merge", "-p", "{\"spec\":{\"encryptedVirtualMachines\":[]}}")).EnsureSuccess();
        try
        {
            await Eventually.UntilAsync(AllAsync, all => all.Count == 0, s_converge, "every sample to be deleted");
        }
        catch (TimeoutException)
        {
            foreach (var left in await AllAsync())
            {
                Output($"left: {left["kind"]}/{left["metadata"]!["name"]} — {Reason(left)}: {Message(left)}");
            }

            throw;
        }

        Assert.False(simulator.Platform.GetVirtualMachines(Tenant).Single(v => v.Name == "pay-01").Encrypted);

        // Nothing the samples created is left, and the clusters they adopted with deletionPolicy Delete are gone too.
        var platform = simulator.Platform;
        Assert.Equal(seedVolumes.Order(), platform.GetBlockVolumes(Tenant).Select(v => v.Name).Order());
        Assert.DoesNotContain(platform.GetVlans(Tenant), v => v.Name == "app-network");
        Assert.DoesNotContain(platform.GetBackupPolicies(), p => p.Name == "daily-30d");
        Assert.Empty(platform.GetVmReplications(Tenant));
        Assert.DoesNotContain(platform.GetCpools(Tenant), c => c.Name is "prod-par7s" or "dr-th3s");
    }

    private async Task<List<JsonObject>> AllAsync()
    {
        var all = new List<JsonObject>();
        foreach (var type in CustomResources.All)
        {
            var list = await Client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(
                ApiGroup.Name, ApiGroup.Version, Namespace, CloudTemple.Operator.Runtime.EntityInfo.Of(type).Plural);
            all.AddRange(list["items"]!.AsArray().Select(i => i!.AsObject()));
        }

        return all;
    }

    private static JsonNode? Reconciling(JsonObject resource) =>
        resource["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == "Reconciling" && (string?)c["status"] == "True");

    private static string? Reason(JsonObject resource) => (string?)Reconciling(resource)?["reason"];

    private static string Message(JsonObject resource) => (string?)Reconciling(resource)?["message"] ?? string.Empty;

    private static bool IsReady(JsonObject resource) =>
        resource["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "Ready" && (string?)c["status"] == "True") == true;
}

using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using k8s;
using System.Text;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Service;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>
/// The validating webhook, served by the operator process over TLS with its own CA, called by the
/// real API server: each layer-W rule of docs/rules.md refuses a bad manifest at `kubectl apply`
/// with the field and the rule.
/// </summary>
public sealed class WebhookTests(ControlPlaneFixture fixture, ITestOutputHelper output) : ControlPlaneTest(fixture, output)
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(30);

    /// <summary>A rule, the objects that must exist first, the bad manifest, the field and the rule id the refusal names.</summary>
    public sealed record Case(string Rule, string[] Setup, string Bad, string Field);

    /// <summary>The bad manifests, for the test that applies them with the webhook bypassed too.</summary>
    internal static IReadOnlyList<Case> Cases => s_cases;

    private static readonly Case[] s_cases =
    [
        new("C4 memory above hosts × blade RAM", [], Cpool("prod", "PAR7S", "standard", 3, "memoryGiB: 2000"), "spec.memoryGiB"),
        new("C9 contradictory affinity rules", [], Cpool("prod", "PAR7S", "standard", 3,
            "affinityRules: [{name: together, type: Affinity, virtualMachines: [a, b]}, {name: apart, type: AntiAffinity, virtualMachines: [b, a]}]"), "spec.affinityRules"),
        new("B11 Global Mirror on enterprise", [], Volume("data", "PAR7S", "enterprise", 1024, "replication: {mode: Async, targetAvailabilityZone: TH3S, standbyCpoolRef: {name: dr}}"), "spec.replication"),
        new("B12 replica in the same zone", [], Volume("data", "PAR7S", "premium", 1024, "replication: {mode: Async, targetAvailabilityZone: PAR7S, standbyCpoolRef: {name: dr}}"), "spec.replication.targetAvailabilityZone"),
        new("B6 datastore on a Cpool of another zone", [Cpool("far", "TH3S", "standard", 2)], Volume("data", "PAR7S", "premium", 1024, "cpoolRefs: [{name: far}]"), "spec.cpoolRefs[0]"),
        new("K2 retention of nothing", [], "kind: BackupPolicy\nmetadata: {name: none}\nspec:\n  organization: Acme\n  tenant: acme\n  contact: {name: C, email: c@acme.example, phone: \"+33 1 23 45 67 89\"}\n  retention: {days: 0}\n", "spec.retention"),
        new("X1 replicating an encrypted VM", ["kind: HsmKeyProvider\nmetadata: {name: kms}\nspec:\n  encryptedVirtualMachines: [pay-01]\n"],
            "kind: VmReplication\nmetadata: {name: pay}\nspec:\n  virtualMachine: pay-01\n  targetCpoolRef: {name: dr}\n  targetBlockVolumeRef: {name: dr-data}\n  rpoHours: 4\n", "spec.virtualMachine"),
        new("C2 blade type changed in place", [Cpool("c2", "PAR7S", "standard", 3)], Cpool("c2", "PAR7S", "perf2", 3), "spec.bladeType"),
        new("C3 zone of a Cpool changed", [Cpool("c3", "PAR7S", "standard", 3)], Cpool("c3", "TH3S", "standard", 3), "spec.availabilityZone"),
        new("C8 hypervisor update on one host", [Cpool("c8", "PAR7S", "standard", 1, "hypervisorBuild: \"8.0.2\"")], Cpool("c8", "PAR7S", "standard", 1, "hypervisorBuild: \"8.0.3\""), "spec.hypervisorBuild"),
        new("B8 shrinking a volume", [Volume("b8", "PAR7S", "premium", 2048)], Volume("b8", "PAR7S", "premium", 1024), "spec.sizeGiB"),
        new("B8 flash to mass in place", [Volume("b8m", "PAR7S", "premium", 2048)], Volume("b8m", "PAR7S", "mass", 2048), "spec.storageClass"),
    ];

    [Fact]
    public async Task EveryWebhookRule_IsRefusedAtKubectlApply_WithTheFieldAndTheRule()
    {
        await using var process = await StartWithWebhookAsync();
        var failures = new StringBuilder();

        foreach (var (rule, setup, bad, field) in s_cases)
        {
            foreach (var manifest in setup)
            {
                (await Apply(manifest)).EnsureSuccess();
            }

            var result = await Apply(bad);
            var ruleId = rule.Split(' ')[0];
            if (result.Succeeded
                || !result.StandardError.Contains("denied the request", StringComparison.Ordinal)
                || !result.StandardError.Contains($"{field}: ", StringComparison.Ordinal)
                || !result.StandardError.Contains($"(rule {ruleId})", StringComparison.Ordinal))
            {
                failures.AppendLine($"{rule}: expected a refusal naming {field} and rule {ruleId}, got:\n{result}");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
    }

    [Fact]
    public async Task N3_AVlanSharedWithAnotherOrganization_IsRefusedAtKubectlApply_AskingThePlatform()
    {
        await using var simulator = await SimulatorHost.StartAsync(new ServiceOptions
        {
            Url = "http://127.0.0.1:0",
            InventoryPath = RepositoryPaths.Combine("config", "sandbox", "inventory.yaml"),
            Platform = SimulatorOptions.Immediate,
        });
        await using var process = await StartWithWebhookAsync(
            ["--platform-url", simulator.Address.ToString()],
            new Dictionary<string, string> { ["CLOUDTEMPLE_CREDENTIALS_ID"] = "pat-acme-prod", ["CLOUDTEMPLE_CREDENTIALS_SECRET"] = "sandbox-acme-prod-secret" });

        var globex = await Apply("kind: Vlan\nmetadata: {name: leaky}\nspec:\n  availabilityZones: [PAR7S]\n  sharedWithTenants: [9d2b4f6a-8c1e-4a3b-b5d7-e9f1a3c5b7d9]\n");
        var sister = await Apply("kind: Vlan\nmetadata: {name: shared}\nspec:\n  availabilityZones: [PAR7S]\n  sharedWithTenants: [7c1e2d34-4b5a-4c6d-8e9f-0a1b2c3d4e5f]\n");

        Assert.False(globex.Succeeded, globex.ToString());
        Assert.Contains("spec.sharedWithTenants[0]: tenant 9d2b4f6a-8c1e-4a3b-b5d7-e9f1a3c5b7d9 is not in this tenant's organization", globex.StandardError, StringComparison.Ordinal);
        Assert.Contains("(rule N3)", globex.StandardError, StringComparison.Ordinal);
        Assert.True(sister.Succeeded, sister.ToString());
    }

    [Fact]
    public async Task TheSampleTenant_IsAccepted_WithTheWebhookOn()
    {
        await using var process = await StartWithWebhookAsync();

        var result = await Kubectl.RunAsync("apply", "-n", Namespace, "-k", RepositoryPaths.Combine("config", "samples"));

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task WhenTheOperatorStops_ItsLocalWebhookConfigurationIsRemoved_SoWritesAreNotBlocked()
    {
        var process = await StartWithWebhookAsync();
        await process.StopAsync();

        var gone = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(
            () => Client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(process.WebhookConfiguration));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        (await Apply(Cpool("after", "PAR7S", "standard", 3))).EnsureSuccess();
        await process.DisposeAsync();
    }

    [Fact]
    public async Task AFinalizerRemovedByAMetadataOnlyUpdate_PassesTheWebhook_EvenWhenTheSpecWouldNowBeRefused()
    {
        // Made before the webhook runs (as before an upgrade brought a rule): C4 refuses its spec now.
        var held = Cpool("held", "PAR7S", "standard", 3, "memoryGiB: 2000").Replace("metadata: {name: held}", "metadata: {name: held, finalizers: [example.com/hold]}", StringComparison.Ordinal);
        (await Apply(held)).EnsureSuccess();
        await using var process = await StartWithWebhookAsync();
        var specChange = await Kubectl.RunAsync("patch", "-n", Namespace, "cpool", "held", "--type=merge", "-p", "{\"spec\":{\"memoryGiB\":2001}}");
        Assert.Contains("denied the request", specChange.StandardError, StringComparison.Ordinal);

        (await Kubectl.RunAsync("label", "-n", Namespace, "cpool", "held", "team=payments")).EnsureSuccess();
        (await Kubectl.RunAsync("delete", "-n", Namespace, "cpool", "held", "--wait=false")).EnsureSuccess();
        var release = await Kubectl.RunAsync("patch", "-n", Namespace, "cpool", "held", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");

        Assert.True(release.Succeeded, release.ToString());
        await Eventually.UntilAsync(
            () => Kubectl.RunAsync("get", "-n", Namespace, "cpool", "held"),
            r => r.StandardError.Contains("NotFound", StringComparison.Ordinal),
            s_deadline, "the Cpool to be gone once its finalizer is removed");
    }

    [Fact]
    public async Task AMalformedPost_ToTheWebhook_IsAnswered400WithTheReason_AndAnotherKindIsRefused()
    {
        await using var process = await StartWithWebhookAsync();
        using var http = await WebhookClientAsync(process);
        var failures = new StringBuilder();
        foreach (var (body, reason) in new[]
        {
            ("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionRev", "the body is not JSON"),
            ("{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\"}", "the AdmissionReview has no request object"),
            (Review("CREATE", uid: null, Entity("Cpool", new() { ["availabilityZone"] = "PAR7S", ["bladeType"] = "standard", ["hosts"] = 3 })), "request.uid is missing"),
            (Review("CREATE", "u1", Entity("Cpool", new() { ["availabilityZone"] = "PAR7S", ["bladeType"] = "standard", ["hosts"] = "three" })), "request.object cannot be read as a Cpool"),
        })
        {
            using var response = await http.PostAsync("/validate/cpools", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.BadRequest || !text.Contains(reason, StringComparison.Ordinal))
            {
                failures.AppendLine($"expected 400 with '{reason}', got {(int)response.StatusCode}: '{text}'");
            }
        }

        using var volume = await http.PostAsync("/validate/cpools", new StringContent(Review("CREATE", "u2", Entity("BlockVolume", new() { ["availabilityZone"] = "PAR7S", ["storageClass"] = "premium", ["sizeGiB"] = 1024 })), Encoding.UTF8, "application/json"));
        var answer = await volume.Content.ReadAsStringAsync();

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.Equal(HttpStatusCode.OK, volume.StatusCode);
        Assert.Contains("\"allowed\":false", answer, StringComparison.Ordinal);
        Assert.Contains("validates Cpool (iaas.cloud-temple.com/v1alpha1), not BlockVolume", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A10MBPost_ToTheWebhook_IsAnswered413()
    {
        await using var process = await StartWithWebhookAsync();
        using var http = await WebhookClientAsync(process);

        HttpStatusCode? status;
        try
        {
            using var response = await http.PostAsync("/validate/cpools", new ByteArrayContent(new byte[10 * 1024 * 1024]));
            status = response.StatusCode;
        }
        catch (HttpRequestException e)
        {
            // The operator answered and closed the connection before the client had sent everything.
            Output($"the connection was closed while sending: {e.Message}");
            status = null;
        }

        Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"got {status}");
        Assert.False(process.HasExited, process.Logs);
    }

    // An HTTPS client of the operator's webhook, found and trusted as the API server finds and trusts
    // it: the URL and the CA bundle of the ValidatingWebhookConfiguration the operator wrote.
    private async Task<HttpClient> WebhookClientAsync(OperatorProcess process)
    {
        var configuration = await Client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(process.WebhookConfiguration);
        var clientConfig = configuration.Webhooks[0].ClientConfig;
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPem(Encoding.UTF8.GetString(clientConfig.CaBundle));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                return certificate is not null && chain.Build(certificate);
            },
        };
        var url = new Uri(clientConfig.Url);
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri($"{url.Scheme}://{url.Authority}") };
    }

    private static string Review(string operation, string? uid, JsonObject entity) => new JsonObject
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = uid,
            ["kind"] = new JsonObject { ["group"] = "iaas.cloud-temple.com", ["version"] = "v1alpha1", ["kind"] = (string?)entity["kind"] },
            ["operation"] = operation,
            ["namespace"] = "tenant",
            ["object"] = entity,
        },
    }.ToJsonString();

    private static JsonObject Entity(string kind, JsonObject spec) => new()
    {
        ["apiVersion"] = "iaas.cloud-temple.com/v1alpha1",
        ["kind"] = kind,
        ["metadata"] = new JsonObject { ["name"] = "posted" },
        ["spec"] = spec,
    };

    // Starts the operator and waits until the API server calls its webhook (a server-side dry run of a bad object is refused).
    private async Task<OperatorProcess> StartWithWebhookAsync(IReadOnlyList<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client, arguments, environment);
        try
        {
            var probe = Cpool("probe", "PAR7S", "standard", 3, "memoryGiB: 2000");
            await Eventually.UntilAsync(
                () => Kubectl.RunAsync(["apply", "--dry-run=server", "-n", Namespace, "-f", "-"], Manifest(probe)),
                r => r.StandardError.Contains("denied the request", StringComparison.Ordinal),
                s_deadline, "the webhook to answer the API server");
            return process;
        }
        catch
        {
            Output(process.Logs);
            await process.DisposeAsync();
            throw;
        }
    }

    private Task<LocalControlPlane.CommandResult> Apply(string manifest) =>
        Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], Manifest(manifest));

    internal static string Manifest(string body) => $"apiVersion: iaas.cloud-temple.com/v1alpha1\n{body}";

    private static string Cpool(string name, string zone, string blade, int hosts, string extra = "") =>
        $"kind: Cpool\nmetadata: {{name: {name}}}\nspec:\n  availabilityZone: {zone}\n  bladeType: {blade}\n  hosts: {hosts}\n" + (extra.Length > 0 ? $"  {extra}\n" : string.Empty);

    private static string Volume(string name, string zone, string storageClass, int size, string extra = "") =>
        $"kind: BlockVolume\nmetadata: {{name: {name}}}\nspec:\n  availabilityZone: {zone}\n  storageClass: {storageClass}\n  sizeGiB: {size}\n" + (extra.Length > 0 ? $"  {extra}\n" : string.Empty);
}

using System.Globalization;
using System.Net;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Controllers;
using CloudTemple.Operator.IntegrationTests.Harness;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>
/// An object its CRD schema accepts but the operator's C# model cannot read, met by the operator
/// binary both in a watch and in the list of a restart: the object is skipped and reported, never
/// the whole kind stopped.
/// </summary>
public sealed class PoisonedObjectTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    // Values the schema allows that the model cannot hold, tried in order: the first the API server
    // accepts is used, so that the test still poisons an object as the schema gets stricter (integers
    // are getting int32 bounds, so an integer overflow is not one of them).
    private static readonly (string What, string Patch, string Path)[] s_poisons =
    [
        ("a bill quantity beyond decimal (any number is valid)",
            """{"status":{"billing":[{"sku":"poison","quantity":1e29,"unit":"host"}]}}""", "$.status.billing[0].quantity"),
        ("a transition time before year 1 (a valid date-time)",
            """{"status":{"conditions":[{"type":"Poison","status":"True","reason":"Poison","message":"Poison.","lastTransitionTime":"0000-01-01T00:00:00Z"}]}}""", "(unknown)"),
    ];

    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PoisonedStatus_DoesNotStopTheKind_OtherObjectsReconcileAndReadyzStaysUp()
    {
        string[] platform = ["--platform-url", Simulator.Address.ToString()];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await ApplyCpoolAsync("victim");
        await ApplyCpoolAsync("healthy");

        // Met in a watch: the operator runs when the object is poisoned.
        var first = OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client, platform);
        string path;
        try
        {
            await WaitForCpoolAsync("victim", c => IsReadyAt(c, 1), "victim Ready");
            await WaitForCpoolAsync("healthy", c => IsReadyAt(c, 1), "healthy Ready");
            path = await PoisonAsync("victim");
            await Eventually.UntilAsync(() => DecodeFailuresAsync(http, first), n => n == 1, s_deadline, "the watch's skip to be counted");
        }
        finally
        {
            await first.DisposeAsync();
            Output("--- first operator ---\n" + first.Logs);
        }

        Assert.Contains($"Skipped Cpool {Namespace}/victim", first.Logs, StringComparison.Ordinal);

        // Met in the list of a restart: the bug was a JsonException that killed the informer here.
        await ApplyCpoolAsync("newcomer");
        await using var second = OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client, platform);
        try
        {
            var ready = await Eventually.UntilAsync(() => GetTextAsync(http, $"http://127.0.0.1:{second.ProbePort}/readyz"),
                r => r.Status == HttpStatusCode.OK, s_deadline, "/readyz to answer 200");
            Assert.Equal("ok", ready.Body);
            await WaitForCpoolAsync("newcomer", c => IsReadyAt(c, 1), "the Cpool created meanwhile to be Ready");
            await Eventually.UntilAsync(() => DecodeFailuresAsync(http, second), n => n == 1, s_deadline, "the list's skip to be counted");

            var warning = second.Logs.Split('\n').Single(l => l.Contains($"Skipped Cpool {Namespace}/victim", StringComparison.Ordinal));
            Assert.Contains("\"LogLevel\":\"Warning\"", warning, StringComparison.Ordinal);
            Assert.Contains(path, warning, StringComparison.Ordinal);
            Assert.DoesNotContain("sku", warning, StringComparison.Ordinal); // never the object itself
            Assert.DoesNotContain("managedFields", warning, StringComparison.Ordinal);

            var victim = await Client.CustomObjects.GetNamespacedCustomObjectAsync<System.Text.Json.Nodes.JsonObject>(
                ApiGroup.Name, ApiGroup.Version, Namespace, "cpools", "victim");
            var events = await Eventually.UntilAsync(
                () => Client.EventsV1.ListNamespacedEventAsync(Namespace),
                list => list.Items.Any(e => e.Regarding.Name == "victim" && e.Reason == "DecodeFailed"),
                s_deadline, "a DecodeFailed event about the victim");
            var skipped = events.Items.First(e => e.Regarding.Name == "victim" && e.Reason == "DecodeFailed");
            Assert.Equal("Warning", skipped.Type);
            Assert.Equal(("Cpool", "iaas.cloud-temple.com/v1alpha1", (string?)victim["metadata"]!["uid"]),
                (skipped.Regarding.Kind, skipped.Regarding.ApiVersion, skipped.Regarding.Uid));
            Assert.Contains(path, skipped.Note, StringComparison.Ordinal);

            // Corrected, it is read and reconciled again: the operator writes its conditions and bill back.
            (await Kubectl.RunAsync("patch", "cpool", "victim", "-n", Namespace, "--subresource=status", "--type=merge",
                "-p", """{"status":{"billing":[],"conditions":[]}}""")).EnsureSuccess();
            var healed = await WaitForCpoolAsync("victim", c => IsReadyAt(c, 1) && c!.Status!.Billing.Count == 1, "the corrected victim to be reconciled again");
            Assert.Equal(2, healed!.Status!.Hosts);
            Assert.Contains("can be read again", second.Logs, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.OK, (await GetTextAsync(http, $"http://127.0.0.1:{second.ProbePort}/readyz")).Status);
            Assert.Equal(0, await CounterAsync(http, second, "cloudtemple_informer_restarts_total{controller=\"cpool\"}"));
        }
        catch
        {
            Output("--- second operator ---\n" + second.Logs);
            throw;
        }
    }

    private async Task<string> PoisonAsync(string name)
    {
        foreach (var (what, patch, path) in s_poisons)
        {
            var result = await Kubectl.RunAsync("patch", "cpool", name, "-n", Namespace, "--subresource=status", "--type=merge", "-p", patch);
            if (result.Succeeded)
            {
                Output($"poisoned {name} with {what}");
                return path;
            }
        }

        throw new InvalidOperationException("The API server refuses every poison this test knows: add a value the schema allows and the model cannot read.");
    }

    private async Task ApplyCpoolAsync(string name) =>
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Cpool\nmetadata:\n  name: {name}\nspec:\n  availabilityZone: PAR7S\n  bladeType: eco\n  hosts: 2\n")).EnsureSuccess();

    private Task<Cpool?> WaitForCpoolAsync(string name, Func<Cpool?, bool> done, string what) =>
        Eventually.UntilAsync(() => GetAsync<Cpool>(name), done, s_deadline, $"{what} ({Namespace}/{name})");

    private static Task<double> DecodeFailuresAsync(HttpClient http, OperatorProcess process) =>
        CounterAsync(http, process, "cloudtemple_informer_decode_failures_total{controller=\"cpool\"}");

    // The value of one series in /metrics; -1 while the endpoint does not answer or lacks the series.
    private static async Task<double> CounterAsync(HttpClient http, OperatorProcess process, string series)
    {
        var (status, body) = await GetTextAsync(http, $"http://127.0.0.1:{process.MetricsPort}/metrics");
        var line = status == HttpStatusCode.OK ? body.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal)) : null;
        return line is null ? -1 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private static async Task<(HttpStatusCode? Status, string Body)> GetTextAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException e)
        {
            return (null, e.Message);
        }
    }
}

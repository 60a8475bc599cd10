using System.Text.Json;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>Helpers of the runtime's tests: Vlans applied with kubectl, read back typed, waited on.</summary>
public abstract class RuntimeTestBase(ControlPlaneFixture fixture, ITestOutputHelper output) : ControlPlaneTest(fixture, output)
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    protected RuntimeHost StartRuntime(IReconciler<Vlan> reconciler, Func<CloudTemple.Operator.Runtime.RuntimeOptions, CloudTemple.Operator.Runtime.RuntimeOptions>? configure = null) =>
        RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, reconciler, configure, Loggers);

    protected async Task ApplyVlanAsync(string name, params string[] zones)
    {
        var yaml = $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Vlan\nmetadata:\n  name: {name}\nspec:\n  availabilityZones: [{string.Join(", ", zones)}]\n";
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], yaml)).EnsureSuccess();
    }

    /// <summary>The object of kind <typeparamref name="T"/> with that name in this test's namespace, or null.</summary>
    protected async Task<T?> GetAsync<T>(string name)
        where T : class, ICustomResource
    {
        try
        {
            var json = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(
                ApiGroup.Name, ApiGroup.Version, Namespace, EntityInfo.Of<T>().Plural, name);
            return KubernetesJson.Deserialize<T>(json.GetRawText());
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    protected Task<T?> WaitForAsync<T>(string name, Func<T?, bool> done, string what)
        where T : class, ICustomResource =>
        Eventually.UntilAsync(() => GetAsync<T>(name), done, Deadline, $"{what} ({Namespace}/{name})");

    protected Task<Vlan?> GetVlanAsync(string name) => GetAsync<Vlan>(name);

    protected Task<Vlan?> WaitForVlanAsync(string name, Func<Vlan?, bool> done, string what) => WaitForAsync(name, done, what);

    /// <summary>Ready at <paramref name="generation"/>, on the status and on the Ready condition.</summary>
    protected static bool IsReadyAt(ICustomResource? entity, long generation) =>
        entity?.CommonStatus is { } status
        && status.ObservedGeneration == generation
        && status.Conditions.Any(c => c.Type == "Ready" && c.Status == ConditionStatus.True && c.ObservedGeneration == generation);

    protected static double Counter(Prometheus.Counter counter, params string[] labels) => counter.WithLabels(labels).Value;
}

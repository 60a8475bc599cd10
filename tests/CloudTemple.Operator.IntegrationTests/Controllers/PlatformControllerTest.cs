using CloudTemple.Operator.Controllers;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.IntegrationTests.Runtime;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.Simulated;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Simulator.Service;
using CloudTemple.Operator.Validation;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// Base of the controllers' end-to-end tests: the real API server (the fixture), the real simulator
/// service on loopback seeded with the sandbox's inventory, and the tenant's credentials in the test
/// namespace's cloudtemple-credentials Secret.
/// </summary>
public abstract class PlatformControllerTest(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output), IAsyncLifetime
{
    /// <summary>The sandbox inventory's tenant the tests act for.</summary>
    protected const string AcmeTenant = "3f8a6c2e-1d4b-4e7a-9c0f-5b6a7d8e9f01";

    private SimulatorHost? _simulator;

    /// <summary>The simulator service.</summary>
    protected SimulatorHost Simulator => _simulator ?? throw new InvalidOperationException("The simulator has not started.");

    /// <summary>The simulated platform's state, to check what reached it.</summary>
    protected SimulatedPlatform Platform => Simulator.Platform;

    /// <summary>
    /// The simulated platform's driver connections and the namespace's credentials, with short delays
    /// for tests: what ControllerRegistry builds for `run`, tuned to poll quickly.
    /// </summary>
    protected (IPlatformConnections Connections, CredentialsResolver Credentials) Drivers() =>
    (
        new SimulatedPlatformConnections(new PlatformOptions
        {
            BaseUrl = Simulator.Address,
            PollInitialDelay = TimeSpan.FromMilliseconds(50),
            PollMaxDelay = TimeSpan.FromMilliseconds(200),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        }),
        new CredentialsResolver(Client, operatorCredentials: null, Simulator.Address)
    );

    /// <summary>
    /// The test's namespace as the API server has it, scoped as the operator is to the namespaces it
    /// watches: every test's simulator hands out the same ids, and earlier tests' namespaces never go
    /// away here, so a cluster-wide view would find their objects claiming this test's ids.
    /// </summary>
    protected ApiNamespaceView View => new(Client, [Namespace]);

    /// <summary>
    /// The inventory's prod-par7s adopted by a Cpool object whose Ready status the test writes itself,
    /// for the tests that run no Cpool controller; returns its platform id.
    /// </summary>
    protected async Task<string> AdoptInventoryCpoolAsync()
    {
        var cpool = Platform.GetCpools(AcmeTenant).Single(c => c.Name == "prod-par7s").Id;
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Cpool\nmetadata:\n  name: prod-par7s\nspec:\n  availabilityZone: PAR7S\n  bladeType: standard\n  hosts: 3\n  externalId: {cpool}\n")).EnsureSuccess();
        var patch = $$$"""{"status":{"externalId":"{{{cpool}}}","conditions":[{"type":"Ready","status":"True","reason":"Adopted","message":"Marked Ready by the test.","lastTransitionTime":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}}"}]}}""";
        (await Kubectl.RunAsync("patch", "cpool", "prod-par7s", "-n", Namespace, "--subresource=status", "--type=merge", "-p", patch)).EnsureSuccess();
        return cpool;
    }

    /// <summary>How long the platform's operations take in this class's tests.</summary>
    protected virtual SimulatorOptions PlatformOptions => SimulatorOptions.Immediate;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _simulator = await SimulatorHost.StartAsync(new ServiceOptions
        {
            Url = "http://127.0.0.1:0",
            InventoryPath = RepositoryPaths.Combine("config", "sandbox", "inventory.yaml"),
            Platform = PlatformOptions,
        });
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = CredentialsResolver.NamespaceSecret, Labels = new Dictionary<string, string> { [CredentialsPolicy.Label] = "true" } },
            StringData = new Dictionary<string, string> { ["id"] = "pat-acme-prod", ["secret"] = "sandbox-acme-prod-secret" },
        }, Namespace);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }

        await DisposeAsync();
    }
}

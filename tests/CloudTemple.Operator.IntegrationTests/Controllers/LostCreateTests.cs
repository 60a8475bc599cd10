using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Controllers.Vlans;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Platform;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// A create whose answer is lost (the platform made the VLAN, the operator never heard), and then the
/// referenced Cpool goes not Ready before the next pass: the intent to create, in
/// status.createPendingSince, outlives the wait for the reference, so the VLAN is found by name —
/// never created twice, never left behind when the object is deleted meanwhile. End to end: the real
/// API server, the real simulator, and the real driver with the create's answer dropped once.
/// </summary>
public sealed class LostCreateTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    [Fact]
    public async Task ALostCreate_ThenTheCpoolNotReady_ThenReadyAgain_EndsWithExactlyOneVlan()
    {
        await using var host = await StartWithLostCreateAsync("lost-net");

        Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "lost-net");
        await SetCpoolReadyAsync(true);
        var ready = await WaitForVlanAsync("lost-net", v => IsReadyAt(v, 1), "Ready once the Cpool is Ready again");

        var vlan = Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "lost-net");
        Assert.Equal(vlan.Id, ready!.Status!.ExternalId);
        Assert.Null(ready.Status.CreatePendingSince);
    }

    [Fact]
    public async Task ALostCreate_ThenTheCpoolNotReady_ThenTheVlanDeleted_LeavesNothingOnThePlatform()
    {
        await using var host = await StartWithLostCreateAsync("gone-net");

        Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "gone-net");
        (await Kubectl.RunAsync("delete", "vlan", "gone-net", "-n", Namespace, "--wait=false")).EnsureSuccess();
        await WaitForVlanAsync("gone-net", v => v is null, "the Vlan to be gone");

        Assert.DoesNotContain(Platform.GetVlans(AcmeTenant), v => v.Name == "gone-net");
    }

    // Runs the Vlan controller with a driver that loses the first create's answer, after flipping the
    // Cpool not Ready (as if it broke just then); returns once the Vlan waits for the Cpool.
    private async Task<RuntimeHost> StartWithLostCreateAsync(string name)
    {
        await AdoptInventoryCpoolAsync();
        var (connections, credentials) = Drivers();
        var lossy = new LosingConnections(connections, () => SetCpoolReadyAsync(false));
        var options = new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200), ReferencePollInterval = TimeSpan.FromMilliseconds(500) };
        var host = StartRuntime(new VlanKind().Reconciler(lossy, credentials, View, options));
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
            $"apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Vlan\nmetadata:\n  name: {name}\nspec:\n  availabilityZones: [PAR7S]\n  cpoolRefs: [{{name: prod-par7s}}]\n")).EnsureSuccess();

        var waiting = await WaitForVlanAsync(name,
            v => v?.Status?.Conditions.Any(c => c.Type == "Reconciling" && c.Reason == Reasons.WaitingForReferences) == true && lossy.Lost,
            "the Vlan to wait for the Cpool after its create's answer was lost");
        Assert.NotNull(waiting!.Status!.CreatePendingSince);
        Assert.Null(waiting.Status.ExternalId);
        return host;
    }

    private async Task SetCpoolReadyAsync(bool ready)
    {
        var status = ready ? "True" : "False";
        var patch = $$$"""{"status":{"conditions":[{"type":"Ready","status":"{{{status}}}","reason":"SetByTheTest","message":"Set by the test.","lastTransitionTime":"{{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}}}"}]}}""";
        (await Kubectl.RunAsync("patch", "cpool", "prod-par7s", "-n", Namespace, "--subresource=status", "--type=merge", "-p", patch)).EnsureSuccess();
    }

    // The simulated platform's drivers, except that the first VLAN create is sent and its answer lost.
    private sealed class LosingConnections(IPlatformConnections inner, Func<Task> beforeTheAnswerIsLost) : IPlatformConnections
    {
        private int _lost;

        public bool Lost => Volatile.Read(ref _lost) == 1;

        private Func<Task> BeforeTheAnswerIsLost => beforeTheAnswerIsLost;

        public IPlatform Connect(PlatformCredentials credentials) => new Platform(inner.Connect(credentials), this);

        private sealed class Platform(IPlatform inner, LosingConnections owner) : IPlatform
        {
            public PlatformApi Api => inner.Api;

            public IActivityDriver Activities => inner.Activities;

            public IComputeDriver Compute => inner.Compute;

            public IStorageDriver Storage => inner.Storage;

            public INetworkDriver Network { get; } = new Network(inner.Network, owner);

            public IBackupDriver Backup => inner.Backup;

            public IReplicationDriver Replication => inner.Replication;

            public IKeyManagementDriver KeyManagement => inner.KeyManagement;
        }

        private sealed class Network(INetworkDriver inner, LosingConnections owner) : INetworkDriver
        {
            public async Task<PlatformOperation> CreateVlanAsync(VlanSpecification specification, CancellationToken cancellationToken = default)
            {
                var operation = await inner.CreateVlanAsync(specification, cancellationToken);
                if (Interlocked.Exchange(ref owner._lost, 1) == 1)
                {
                    return operation;
                }

                await owner.BeforeTheAnswerIsLost();
                throw new PlatformOutcomeUnknownException("The connection was reset before the answer arrived (dropped by the test).");
            }

            public Task<PlatformOperation> UpdateVlanAsync(string vlanId, VlanSpecification specification, CancellationToken cancellationToken = default) =>
                inner.UpdateVlanAsync(vlanId, specification, cancellationToken);

            public Task<PlatformOperation> DeleteVlanAsync(string vlanId, CancellationToken cancellationToken = default) => inner.DeleteVlanAsync(vlanId, cancellationToken);

            public Task<VlanObservation> GetVlanAsync(string vlanId, CancellationToken cancellationToken = default) => inner.GetVlanAsync(vlanId, cancellationToken);

            public Task<VlanObservation?> FindVlanByNameAsync(string name, CancellationToken cancellationToken = default) => inner.FindVlanByNameAsync(name, cancellationToken);

            public Task<IReadOnlyList<string>> GetOrganizationTenantsAsync(CancellationToken cancellationToken = default) => inner.GetOrganizationTenantsAsync(cancellationToken);
        }
    }
}

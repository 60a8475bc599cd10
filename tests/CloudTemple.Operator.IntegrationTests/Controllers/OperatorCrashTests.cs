using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Simulator.Model;
using Xunit.Abstractions;
using Vlan = CloudTemple.Operator.Entities.Vlan;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>The operator process killed outright in the middle of a creation, then started again.</summary>
public sealed class OperatorCrashTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with { Vlan = TimeSpan.FromSeconds(3) };

    [Fact]
    public async Task KillingTheOperatorProcessMidCreation_AndStartingItAgain_CreatesNothingTwice()
    {
        string[] platform = ["--platform-url", Simulator.Address.ToString()];
        var first = OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client, platform);
        try
        {
            (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"],
                "apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Vlan\nmetadata:\n  name: crash-net\nspec:\n  availabilityZones: [PAR7S]\n")).EnsureSuccess();
            Vlan? inFlight;
            try
            {
                inFlight = await WaitForVlanAsync("crash-net", v => v?.Status?.ActivityId is not null, "the activity id to be saved before waiting");
            }
            catch (TimeoutException)
            {
                var seen = await GetVlanAsync("crash-net");
                Output(string.Join('\n', seen?.Status?.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}") ?? []));
                Output(first.Logs);
                throw;
            }

            Assert.Equal(Entities.ConditionStatus.True, inFlight!.Status!.Conditions.Single(c => c.Type == "Reconciling").Status);

            await first.KillAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client, platform);
        var vlan = await WaitForVlanAsync("crash-net", v => IsReadyAt(v, 1), "Ready after the restart");

        var onPlatform = Assert.Single(Platform.GetVlans(AcmeTenant), v => v.Name == "crash-net");
        Assert.Equal(onPlatform.Id, vlan!.Status!.ExternalId);
        Assert.Single(Platform.GetOperationsOn(onPlatform.Id));
    }
}

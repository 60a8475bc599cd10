using System.Net;
using System.Net.Sockets;
using BlockVolume = CloudTemple.Operator.Entities.BlockVolume;
using CloudTemple.Operator.Controllers;
using CloudTemple.Operator.Controllers.BlockVolumes;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Controllers.Vlans;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Simulator.Model;
using CloudTemple.Operator.Validation;
using Vlan = CloudTemple.Operator.Entities.Vlan;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// One cluster shared by several tenants' namespaces, tried as a hostile or careless neighbour would:
/// a namespace cannot adopt, change or delete a resource another namespace manages, cannot borrow
/// the operator's credentials or make it read a Secret not meant for it, cannot send a token to an
/// address of its choosing, and cannot request a backup policy for another organization.
/// </summary>
public sealed class TenantIsolationTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    private string Evil => $"{Namespace}-evil";

    protected override SimulatorOptions PlatformOptions => SimulatorOptions.Immediate with { Vlan = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task AnotherNamespace_NamingAManagedExternalId_StallsAlreadyManaged_SendsNothing_AndItsDeletionLeavesTheResource()
    {
        await CreateEvilNamespaceAsync(withCredentials: true);
        await AdoptInventoryCpoolAsync();
        await using var host = StartOperator(Namespace, Evil);
        await ApplyAsync(Namespace, "kind: Vlan\nmetadata: {name: app-net}\nspec:\n  availabilityZones: [PAR7S]\n");
        await ApplyAsync(Namespace, "kind: BlockVolume\nmetadata: {name: data}\nspec:\n  availabilityZone: PAR7S\n  storageClass: premium\n  sizeGiB: 1024\n  cpoolRefs: [{name: prod-par7s}]\n");
        var vlanId = (await WaitAsync<Vlan>(Namespace, "app-net", IsReady, "Ready")).Status!.ExternalId!;
        var volumeId = (await WaitAsync<BlockVolume>(Namespace, "data", IsReady, "Ready")).Status!.ExternalId!;
        var before = Describe(Platform);

        // The webhook would refuse these (TheWebhook_Refuses...); here it is bypassed, as an old CRD or failurePolicy: Ignore allows.
        await ApplyAsync(Evil, $"kind: Vlan\nmetadata: {{name: stolen-net}}\nspec:\n  availabilityZones: [PAR7S]\n  externalId: {vlanId}\n");
        await ApplyAsync(Evil, $"kind: BlockVolume\nmetadata: {{name: stolen-data}}\nspec:\n  availabilityZone: PAR7S\n  storageClass: premium\n  sizeGiB: 1024\n  externalId: {volumeId}\n");

        foreach (var (kind, name, owner) in new[] { ("Vlan", "stolen-net", "app-net"), ("BlockVolume", "stolen-data", "data") })
        {
            var stalled = kind == "Vlan"
                ? ((ICustomResource)await WaitAsync<Vlan>(Evil, name, IsAlreadyManaged, "Stalled AlreadyManaged")).CommonStatus
                : ((ICustomResource)await WaitAsync<BlockVolume>(Evil, name, IsAlreadyManaged, "Stalled AlreadyManaged")).CommonStatus;
            Assert.Contains($"{kind} {Namespace}/{owner}", stalled.Conditions.Single(c => c.Type == ConditionTypes.Stalled).Message, StringComparison.Ordinal);
            Assert.Null(stalled.ExternalId);
            Assert.DoesNotContain(stalled.Conditions, c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True);
        }

        Assert.Equal(before, Describe(Platform));

        (await Kubectl.RunAsync("delete", "-n", Evil, "vlan/stolen-net", "blockvolume/stolen-data", "--wait=true", "--timeout=60s")).EnsureSuccess();

        Assert.NotNull(Platform.GetVlan(vlanId));
        Assert.Equal(before, Describe(Platform));
        Assert.True(IsReady(await FindAsync<Vlan>(Namespace, "app-net")));
        Assert.True(IsReady(await FindAsync<BlockVolume>(Namespace, "data")));
    }

    [Fact]
    public async Task AnAdoptedObject_WhoseExternalIdIsChanged_StallsInsteadOfStayingReadyOnTheOldId()
    {
        var first = Platform.CreateVlan(AcmeTenant, new VlanRequest("legacy-a", [Entities.Catalog.Zone.PAR7S])).ResourceId;
        var second = Platform.CreateVlan(AcmeTenant, new VlanRequest("legacy-b", [Entities.Catalog.Zone.PAR7S])).ResourceId;
        await using var host = StartOperator(Namespace);
        await ApplyAsync(Namespace, $"kind: Vlan\nmetadata: {{name: legacy}}\nspec:\n  availabilityZones: [PAR7S]\n  externalId: {first}\n");
        await WaitAsync<Vlan>(Namespace, "legacy", v => IsReady(v) && v!.Status!.ExternalId == first, "Ready on the first VLAN");

        // The webhook refuses this change; bypassed, the object must stop vouching for the VLAN it manages.
        await ApplyAsync(Namespace, $"kind: Vlan\nmetadata: {{name: legacy}}\nspec:\n  availabilityZones: [PAR7S]\n  externalId: {second}\n");

        var vlan = await WaitAsync<Vlan>(Namespace, "legacy", v => StalledReason(v) == "ExternalIdChanged", "Stalled ExternalIdChanged");
        Assert.Equal(first, vlan.Status!.ExternalId);
        Assert.Contains($"this object manages {first}", vlan.Status.Conditions.Single(c => c.Type == ConditionTypes.Stalled).Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.False, vlan.Status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
    }

    [Fact]
    public async Task ANamespaceNotGrantedTheOperatorsCredentials_StallsCredentialsNotFound_AndNothingIsCreated()
    {
        await CreateEvilNamespaceAsync(withCredentials: false);
        var policy = new CredentialsPolicy { OperatorCredentialsNamespaces = [Namespace] };
        await using var host = StartOperator(policy, Evil);

        await ApplyAsync(Evil, "kind: Vlan\nmetadata: {name: borrowed-net}\nspec:\n  availabilityZones: [PAR7S]\n");

        var vlan = await WaitAsync<Vlan>(Evil, "borrowed-net", v => StalledReason(v) == "CredentialsNotFound", "Stalled CredentialsNotFound");
        Assert.Contains($"{Evil} is not one of them", vlan.Status!.Conditions.Single(c => c.Type == ConditionTypes.Stalled).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetVlans(AcmeTenant), v => v.Name == "borrowed-net");
    }

    [Fact]
    public async Task ASecretWithoutTheCredentialsLabel_IsNeverUsed_EvenWhenNamedBySpec()
    {
        await CreateEvilNamespaceAsync(withCredentials: false);
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "database-password" },
            StringData = new Dictionary<string, string> { ["id"] = "pat-acme-prod", ["secret"] = "sandbox-acme-prod-secret" },
        }, Evil);
        await using var host = StartOperator(new CredentialsPolicy(), Evil);

        await ApplyAsync(Evil, "kind: Vlan\nmetadata: {name: snoop-net}\nspec:\n  availabilityZones: [PAR7S]\n  credentialsSecretRef: {name: database-password}\n");

        var vlan = await WaitAsync<Vlan>(Evil, "snoop-net", v => StalledReason(v) == "CredentialsNotFound", "Stalled CredentialsNotFound");
        Assert.Contains($"label it {CredentialsPolicy.Label}=true", vlan.Status!.Conditions.Single(c => c.Type == ConditionTypes.Stalled).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetVlans(AcmeTenant), v => v.Name == "snoop-net");
    }

    [Fact]
    public async Task ASecretsUrl_NotAllowedByTheAdmin_NeverReceivesTheToken()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var trap = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        await CreateEvilNamespaceAsync(withCredentials: false);
        await CreateCredentialsAsync(Evil, "redirected", trap);
        await using var host = StartOperator(new CredentialsPolicy { AllowedUrls = [new Uri("https://shiva.cloud-temple.com")] }, Evil);

        await ApplyAsync(Evil, "kind: Vlan\nmetadata: {name: leak-net}\nspec:\n  availabilityZones: [PAR7S]\n  credentialsSecretRef: {name: redirected}\n");

        var vlan = await WaitAsync<Vlan>(Evil, "leak-net", v => StalledReason(v) == "CredentialsNotFound", "Stalled CredentialsNotFound");
        Assert.Contains("names a platform 'url' the cluster admin has not allowed", vlan.Status!.Conditions.Single(c => c.Type == ConditionTypes.Stalled).Message, StringComparison.Ordinal);
        Assert.False(listener.Pending(), $"The operator connected to {trap}.");
    }

    [Fact]
    public async Task TheWebhook_RefusesAnotherNamespacesClaimOnAManagedId_AndABackupPolicyForAnotherOrganization()
    {
        await CreateEvilNamespaceAsync(withCredentials: true);
        await using var process = OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client,
            ["--platform-url", Simulator.Address.ToString()],
            new Dictionary<string, string> { ["CLOUDTEMPLE_CREDENTIALS_ID"] = "pat-acme-prod", ["CLOUDTEMPLE_CREDENTIALS_SECRET"] = "sandbox-acme-prod-secret" });
        await ApplyAsync(Namespace, "kind: Vlan\nmetadata: {name: app-net}\nspec:\n  availabilityZones: [PAR7S]\n");
        var vlanId = (await WaitAsync<Vlan>(Namespace, "app-net", IsReady, "Ready")).Status!.ExternalId!;

        var stolen = await Eventually.UntilAsync(
            () => Kubectl.RunAsync(["apply", "-n", Evil, "-f", "-"], Manifest($"kind: Vlan\nmetadata: {{name: stolen-net}}\nspec:\n  availabilityZones: [PAR7S]\n  externalId: {vlanId}\n")),
            r => !r.Succeeded, Deadline, "the webhook to refuse the claim");
        Assert.Contains("denied the request", stolen.StandardError, StringComparison.Ordinal);
        Assert.Contains($"spec.externalId: {vlanId} is already managed by Vlan {Namespace}/app-net", stolen.StandardError, StringComparison.Ordinal);

        var globex = await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], Manifest("""
            kind: BackupPolicy
            metadata: {name: daily-globex}
            spec:
              organization: Globex
              tenant: globex-prod
              contact: {name: Camille Martin, email: camille.martin@acme.example, phone: "+33 1 23 45 67 89"}
              retention: {days: 30}
            """));
        Assert.False(globex.Succeeded, globex.ToString());
        Assert.Contains("spec.organization: this namespace's credentials belong to tenant 'acme-prod' of organization 'Acme Assurances'", globex.StandardError, StringComparison.Ordinal);
        Assert.Contains("(rule G2)", globex.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Platform.GetBackupPolicies(), p => p.Name == "daily-globex");
    }

    private static string Manifest(string body) => $"apiVersion: iaas.cloud-temple.com/v1alpha1\n{body}";

    private async Task CreateEvilNamespaceAsync(bool withCredentials)
    {
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Evil } });
        if (withCredentials)
        {
            // The worst case: the neighbour holds a token of the same tenant.
            await CreateCredentialsAsync(Evil, CredentialsResolver.NamespaceSecret, url: null);
        }
    }

    private async Task CreateCredentialsAsync(string ns, string name, string? url)
    {
        var data = new Dictionary<string, string> { ["id"] = "pat-acme-prod", ["secret"] = "sandbox-acme-prod-secret" };
        if (url is not null)
        {
            data["url"] = url;
        }

        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [CredentialsPolicy.Label] = "true" } },
            StringData = data,
        }, ns);
    }

    // The Vlan and BlockVolume controllers for both namespaces, with each namespace's own Secret.
    private RuntimeHost StartOperator(params string[] namespaces)
    {
        var (connections, credentials) = Drivers();
        return StartOperator(connections, credentials, namespaces);
    }

    // With the operator's own credentials, granted as the policy says.
    private RuntimeHost StartOperator(CredentialsPolicy policy, params string[] namespaces)
    {
        var (connections, _) = Drivers();
        var credentials = new CredentialsResolver(Client, new PlatformCredentials("pat-acme-prod", "sandbox-acme-prod-secret"), Simulator.Address, policy);
        return StartOperator(connections, credentials, namespaces);
    }

    private RuntimeHost StartOperator(IPlatformConnections connections, CredentialsResolver credentials, string[] namespaces)
    {
        var view = new ApiNamespaceView(Client, namespaces);
        var options = new ReconcilerOptions { PollInterval = TimeSpan.FromMilliseconds(200) };
        return RuntimeHost.Start(Fixture.ControlPlane.KubeconfigPath, namespaces[0], runtime => runtime
                .AddController(new VlanKind().Reconciler(connections, credentials, view, options))
                .AddController(new BlockVolumeKind().Reconciler(connections, credentials, view, options)),
            o => o with { Namespaces = namespaces }, Loggers);
    }

    private async Task ApplyAsync(string ns, string manifest) =>
        (await Kubectl.RunAsync(["apply", "-n", ns, "-f", "-"], Manifest(manifest))).EnsureSuccess();

    private Task<T?> FindAsync<T>(string ns, string name)
        where T : class, ICustomResource => new ApiNamespaceView(Client).FindAsync<T>(ns, name, CancellationToken.None);

    private async Task<T> WaitAsync<T>(string ns, string name, Func<T?, bool> done, string what)
        where T : class, ICustomResource =>
        (await Eventually.UntilAsync(() => FindAsync<T>(ns, name), done, Deadline, $"{typeof(T).Name} {ns}/{name} {what}"))!;

    private static bool IsReady(ICustomResource? entity) =>
        entity?.CommonStatus.Conditions.Any(c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True) == true;

    private static string? StalledReason(ICustomResource? entity) =>
        entity?.CommonStatus.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Stalled && c.Status == ConditionStatus.True)?.Reason;

    private static bool IsAlreadyManaged(ICustomResource? entity) => StalledReason(entity) == Ownership.AlreadyManaged;

    // What a takeover would change: every VLAN and volume of the tenant, with the Cpools that mount each volume.
    private static string Describe(SimulatedPlatform platform) => string.Join("; ",
    [
        .. platform.GetVlans(AcmeTenant).OrderBy(v => v.Id, StringComparer.Ordinal).Select(v => $"vlan {v.Id} {v.Name} {string.Join(",", v.Zones)}"),
        .. platform.GetBlockVolumes(AcmeTenant).OrderBy(v => v.Id, StringComparer.Ordinal).Select(v => $"volume {v.Id} {v.Name} {v.SizeGiB} [{string.Join(",", v.CpoolIds)}]"),
    ]);
}

using BackupContact = CloudTemple.Operator.Simulator.Model.BackupContact;
using BackupPolicy = CloudTemple.Operator.Entities.BackupPolicy;
using BackupRetention = CloudTemple.Operator.Simulator.Model.BackupRetention;
using BlockVolume = CloudTemple.Operator.Entities.BlockVolume;
using CloudTemple.Operator.Controllers;
using CloudTemple.Operator.Controllers.BackupPolicies;
using CloudTemple.Operator.Controllers.BlockVolumes;
using CloudTemple.Operator.Controllers.Cpools;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Simulator.Model;
using Cpool = CloudTemple.Operator.Entities.Cpool;
using Vlan = CloudTemple.Operator.Entities.Vlan;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Controllers;

/// <summary>
/// The operator process with <c>--platform cloudtemple</c>: the console API driver, against the
/// simulator's reproduction of the console API's public routes (the same routes, fields and units
/// as the real one). It reads and adopts; for what the public API cannot do it says what to order,
/// and sends nothing.
/// </summary>
public sealed class ConsoleDriverTests(ControlPlaneFixture fixture, ITestOutputHelper output) : PlatformControllerTest(fixture, output)
{
    private const string ProdCluster = "cpool-acme-prod-par7s";

    // The tenant's cluster ordered in the console before the operator, observed.
    private const string ObservedProdCpool =
        "apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Cpool\nmetadata: {name: prod}\n"
        + "spec: {managementPolicy: Observe, externalId: " + ProdCluster + ", availabilityZone: PAR7S, bladeType: standard, hosts: 3, memoryGiB: 768}\n---\n";

    // Every token the simulator issues starts with this header ({"alg":"HS256","typ":"JWT"}, base64url).
    private const string JwtHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

    [Fact]
    public async Task ObservedCpoolBlockVolumeAndVlan_BecomeReadyWithLiveFigures_AndNothingIsWritten()
    {
        var network = Platform.CreateVlan(AcmeTenant, new VlanRequest("front-par7s", [Zone.PAR7S], [ProdCluster], []));
        Platform.Tick();
        var datastore = Assert.Single(Platform.GetBlockVolumes(AcmeTenant), v => v.Name == "base-par7s-ds01");
        var operationsBefore = OperationsOn(ProdCluster, datastore.Id, network.ResourceId);

        await using var process = StartConsoleOperator();
        await ApplyAsync(ObservedProdCpool + $$"""
            apiVersion: iaas.cloud-temple.com/v1alpha1
            kind: BlockVolume
            metadata: {name: base-par7s-ds01}
            spec: {managementPolicy: Observe, availabilityZone: PAR7S, storageClass: standard, sizeGiB: 4096}
            ---
            apiVersion: iaas.cloud-temple.com/v1alpha1
            kind: Vlan
            metadata: {name: front-par7s}
            spec: {managementPolicy: Observe, availabilityZones: [PAR7S]}
            """);

        var cpool = await WaitReadyAsync<Cpool>("prod", process);
        var volume = await WaitReadyAsync<BlockVolume>("base-par7s-ds01", process);
        var vlan = await WaitReadyAsync<Vlan>("front-par7s", process);

        // The host cluster's live figures: hosts, memory (bytes on the wire), VMs, ESXi build, use per host.
        var cluster = Platform.GetCpool(ProdCluster)!;
        var vmsOnCluster = Platform.GetVirtualMachines(AcmeTenant).Count(v => v.CpoolId == ProdCluster);
        Assert.Equal(ProdCluster, cpool.Status!.ExternalId);
        Assert.Equal((3, 768, vmsOnCluster), (cpool.Status.Hosts, cpool.Status.MemoryGiB, cpool.Status.VirtualMachines));
        Assert.Equal(cluster.Hosts[0].EsxiBuild, cpool.Status.HypervisorBuild);
        Assert.NotNull(cpool.Status.MemoryUsagePercent);
        Assert.Contains(cpool.Status.Conditions, c => c.Type == CpoolKind.MemoryPressure && c.Message.Contains('%', StringComparison.Ordinal));
        Assert.Contains("spec.bladeType", Condition(cpool, ConditionTypes.Ready).Message, StringComparison.Ordinal);

        // The datastore's capacity and free space (bytes on the wire), and the B7 headroom from the VMs on it.
        var disks = Platform.GetVirtualMachines(AcmeTenant).Where(v => v.DatastoreId == datastore.Id).Sum(v => v.DiskGiB);
        Assert.Equal(datastore.Id, volume.Status!.ExternalId);
        Assert.Equal((4096L, 4096L - disks), (volume.Status.CapacityGiB, volume.Status.FreeGiB));
        Assert.Contains(volume.Status.Conditions, c => c.Type == BlockVolumeKind.Headroom);

        // The network, tied to its zone through the hosts that carry it.
        Assert.Equal(network.ResourceId, vlan.Status!.ExternalId);
        Assert.Equal([Zone.PAR7S], vlan.Status.AvailabilityZones);
        Assert.Null(vlan.Status.VlanId);

        Assert.Equal(operationsBefore, OperationsOn(ProdCluster, datastore.Id, network.ResourceId));
    }

    [Fact]
    public async Task AManageModeCpool_StallsManualOrderRequired_WithTheOrderInItsMessage_AndNothingIsSent()
    {
        var clustersBefore = Platform.GetCpools(AcmeTenant).Count;
        await using var process = StartConsoleOperator();
        await ApplyAsync("""
            apiVersion: iaas.cloud-temple.com/v1alpha1
            kind: Cpool
            metadata: {name: analytics}
            spec: {availabilityZone: TH3S, bladeType: perf1, hosts: 3}
            """);

        var cpool = await WaitForAsync<Cpool>("analytics",
            c => c?.Status?.Conditions.Any(x => x.Type == ConditionTypes.Stalled && x.Status == ConditionStatus.True && x.Reason == Reasons.ManualOrderRequired) == true,
            "Stalled with reason ManualOrderRequired");

        var message = Condition(cpool!, ConditionTypes.Stalled).Message;
        Output(message);
        Assert.Contains("order a Cpool 'analytics'", message, StringComparison.Ordinal);
        Assert.Contains("TH3S (FR1-AZ06)", message, StringComparison.Ordinal);
        Assert.Contains($"3 × {PlatformCatalog.Blade(BladeType.Perf1).Sku} (host)", message, StringComparison.Ordinal);
        Assert.Contains("spec.externalId", message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.False, Condition(cpool!, ConditionTypes.Ready).Status);
        Assert.Null(cpool!.Status!.ExternalId);
        Assert.Equal(clustersBefore, Platform.GetCpools(AcmeTenant).Count);

        // Nothing was created, so the deletion needs no platform call and does not wait.
        (await Kubectl.RunAsync("delete", "cpool", "analytics", "-n", Namespace, "--wait=true", "--timeout=60s")).EnsureSuccess();
        Assert.Null(await GetAsync<Cpool>("analytics"));
    }

    [Fact]
    public async Task AnAdoptedCpool_AskedForAnotherHost_OrDeleted_SaysWhatToOrder_AndLeavesTheClusterAlone()
    {
        var operationsBefore = OperationsOn(ProdCluster);
        await using var process = StartConsoleOperator();
        await ApplyAsync(AdoptedProdCpool(hosts: 3));
        var adopted = await WaitReadyAsync<Cpool>("prod", process);
        Assert.Contains("not checked", Condition(adopted, ConditionTypes.Ready).Message, StringComparison.Ordinal);

        await ApplyAsync(AdoptedProdCpool(hosts: 4));
        var resized = await WaitForAsync<Cpool>("prod",
            c => c?.Status?.Conditions.Any(x => x.Type == ConditionTypes.Stalled && x.Status == ConditionStatus.True && x.ObservedGeneration == 2) == true,
            "Stalled at generation 2");
        var order = Condition(resized!, ConditionTypes.Stalled);
        Assert.Equal(Reasons.ManualOrderRequired, order.Reason);
        Assert.Contains("hosts 3 → 4", order.Message, StringComparison.Ordinal);
        Assert.Contains($"1 × {PlatformCatalog.Blade(BladeType.Standard).Sku} (host)", order.Message, StringComparison.Ordinal);

        // The console API cannot delete a host cluster: the finalizer waits and says why, until told to orphan it.
        (await Kubectl.RunAsync("delete", "cpool", "prod", "-n", Namespace, "--wait=false")).EnsureSuccess();
        await WaitForAsync<Cpool>("prod",
            c => c?.Status?.Conditions.Any(x => x.Reason == Reasons.ManualOrderRequired
                && x.Message.Contains("deletion of host cluster", StringComparison.Ordinal) && x.Message.Contains("Orphan", StringComparison.Ordinal)) == true,
            "the deletion to wait for a manual order");
        (await Kubectl.RunAsync("patch", "cpool", "prod", "-n", Namespace, "--type=merge", "-p", "{\"spec\":{\"deletionPolicy\":\"Orphan\"}}")).EnsureSuccess();
        await WaitForAsync<Cpool>("prod", c => c is null, "the object to be gone");

        Assert.Equal(3, Platform.GetCpool(ProdCluster)!.Hosts.Count);
        Assert.Equal(operationsBefore, OperationsOn(ProdCluster));
    }

    [Fact]
    public async Task AnAdoptedSlaPolicy_IsAssignedToItsVms_AfterTheInventoryJob_WithOneNonEmptyAssignmentEach()
    {
        var policy = Platform.RequestBackupPolicy(new BackupPolicyRequest(
            "Acme Assurances", "acme-prod", "gold", new BackupContact("Camille Martin", "camille.martin@acme.example", "+33 1 23 45 67 89"), new BackupRetention(30)));
        Platform.Tick();
        var web01 = Platform.GetVirtualMachine(AcmeTenant, "web-01")!;
        var inventoryJob = SimulatedPlatform.InventoryJobId(AcmeTenant);
        Assert.False(Platform.IsInventoried(web01.Id));

        await using var process = StartConsoleOperator();
        await ApplyAsync($$"""
            apiVersion: iaas.cloud-temple.com/v1alpha1
            kind: BackupPolicy
            metadata: {name: gold}
            spec:
              externalId: {{policy.ResourceId}}
              organization: Acme Assurances
              tenant: acme-prod
              contact: {name: Camille Martin, email: camille.martin@acme.example, phone: "+33 1 23 45 67 89"}
              retention: {days: 30}
              virtualMachines: [{name: web-01}]
            """);

        var adopted = await WaitReadyAsync<BackupPolicy>("gold", process);

        Assert.Equal(policy.ResourceId, adopted.Status!.ExternalId);
        var vm = Assert.Single(adopted.Status.VirtualMachines);
        Assert.Equal(("web-01", "Assigned"), (vm.Name, vm.State));
        Assert.Equal(ConditionStatus.True, Condition(adopted, BackupPolicyKind.Assigned).Status);

        // The inventory job ran first, then exactly one assignment reached the VM, and none was empty.
        var job = Assert.Single(Platform.GetOperationsOn(inventoryJob));
        var assignment = Assert.Single(Platform.GetOperationsOn(web01.Id));
        Assert.True(job.StopDate <= assignment.StartDate, "The assignment started before the inventory job ended.");
        Assert.Contains(Platform.GetBackupPolicy(policy.ResourceId)!.Assignments, a => a.VirtualMachine == "web-01");
    }

    [Fact]
    public async Task CredentialsAndTokens_NeverAppearInLogsEventsOrStatus()
    {
        const string refusedSecret = "wrong-secret-that-must-not-leak";
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "refused-credentials", Labels = new Dictionary<string, string> { [CredentialsPolicy.Label] = "true" } },
            StringData = new Dictionary<string, string> { ["id"] = "pat-acme-prod", ["secret"] = refusedSecret },
        }, Namespace);

        // The most verbose logging the operator has, HTTP client included.
        await using var process = StartConsoleOperator(new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Trace" });
        await ApplyAsync(ObservedProdCpool + $$"""
            apiVersion: iaas.cloud-temple.com/v1alpha1
            kind: Cpool
            metadata: {name: refused}
            spec: {managementPolicy: Observe, externalId: cpool-acme-dr-th3s, availabilityZone: TH3S, bladeType: standard, hosts: 2, credentialsSecretRef: {name: refused-credentials} }
            ---
            apiVersion: iaas.cloud-temple.com/v1alpha1
            kind: Cpool
            metadata: {name: to-order}
            spec: {availabilityZone: PAR7S, bladeType: eco, hosts: 2}
            """);

        await WaitReadyAsync<Cpool>("prod", process);
        await WaitForAsync<Cpool>("refused", c => c?.Status?.Conditions.Any(x => x.Type == ConditionTypes.Stalled && x.Reason == "CredentialsRefused") == true, "Stalled CredentialsRefused");
        await WaitForAsync<Cpool>("to-order", c => c?.Status?.Conditions.Any(x => x.Type == ConditionTypes.Stalled && x.Status == ConditionStatus.True) == true, "Stalled");
        await Eventually.UntilAsync(
            async () => (await Client.EventsV1.ListNamespacedEventAsync(Namespace)).Items.Select(e => e.Reason).ToList(),
            reasons => reasons.Contains(Reasons.ManualOrderRequired),
            TimeSpan.FromSeconds(30),
            "the ManualOrderRequired event");

        var status = (await Kubectl.RunAsync("get", "cloudtemple", "-n", Namespace, "-o", "yaml")).EnsureSuccess().StandardOutput;
        var events = (await Kubectl.RunAsync("get", "events.events.k8s.io", "-n", Namespace, "-o", "yaml")).EnsureSuccess().StandardOutput;
        await process.StopAsync();
        var logs = process.Logs;
        Assert.Contains("refused", logs, StringComparison.Ordinal);
        foreach (var (where, text) in new[] { ("logs", logs), ("events", events), ("status", status) })
        {
            Assert.False(text.Contains("sandbox-acme-prod-secret", StringComparison.Ordinal), $"The credentials secret appears in the {where}.");
            Assert.False(text.Contains(refusedSecret, StringComparison.Ordinal), $"The refused secret appears in the {where}.");
            Assert.False(text.Contains(JwtHeader, StringComparison.Ordinal), $"An access token appears in the {where}.");
            Assert.False(text.Contains("Bearer ", StringComparison.Ordinal), $"An Authorization header appears in the {where}.");
        }
    }

    private static string AdoptedProdCpool(int hosts) =>
        "apiVersion: iaas.cloud-temple.com/v1alpha1\nkind: Cpool\nmetadata: {name: prod}\n"
        + $"spec: {{externalId: {ProdCluster}, availabilityZone: PAR7S, bladeType: standard, hosts: {hosts}, memoryGiB: 768}}\n";

    private OperatorProcess StartConsoleOperator(IReadOnlyDictionary<string, string>? environment = null) =>
        OperatorProcess.Start(Fixture.ControlPlane.KubeconfigPath, Namespace, Client,
            ["--platform", "cloudtemple", "--platform-url", Simulator.Address.ToString()], environment);

    private async Task ApplyAsync(string yaml) =>
        (await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], yaml)).EnsureSuccess();

    private async Task<T> WaitReadyAsync<T>(string name, OperatorProcess process)
        where T : class, ICustomResource
    {
        try
        {
            return (await WaitForAsync<T>(name, e => IsReadyAt(e, 1), "Ready at generation 1"))!;
        }
        catch (TimeoutException)
        {
            var seen = await GetAsync<T>(name);
            Output(string.Join('\n', seen?.CommonStatus.Conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}") ?? []));
            Output(process.Logs);
            throw;
        }
    }

    private static Condition Condition(ICustomResource entity, string type) =>
        entity.CommonStatus.Conditions.Single(c => c.Type == type);

    private int OperationsOn(params string[] ids) => ids.Sum(id => Platform.GetOperationsOn(id).Count);
}

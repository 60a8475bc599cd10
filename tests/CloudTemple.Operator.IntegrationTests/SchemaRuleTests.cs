using CloudTemple.Operator.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>
/// Every rule of docs/rules.md enforced by the schema (layer S) rejects a bad manifest on the
/// real API server, with a message naming the field. Each manifest is tried twice: through
/// `kubectl apply` as a user would, and with kubectl's own validation off, which proves the API
/// server's schema refuses it by itself (Argo CD and Flux do not run kubectl's checks).
/// </summary>
public sealed class SchemaRuleTests(ControlPlaneFixture fixture, ITestOutputHelper output) : ControlPlaneTest(fixture, output)
{
    // Each base ends with a newline so that its last line can be replaced like any other.
    private static readonly string Cpool = """
        kind: Cpool
        spec:
          availabilityZone: PAR7S
          bladeType: standard
          hosts: 3
        """ + "\n";

    private static readonly string Volume = """
        kind: BlockVolume
        spec:
          availabilityZone: PAR7S
          storageClass: premium
          sizeGiB: 1024
        """ + "\n";

    private static readonly string Backup = """
        kind: BackupPolicy
        spec:
          organization: Acme
          tenant: acme-prod
          contact: {name: Camille Martin, email: camille@acme.example, phone: "+33 1 23 45 67 89"}
          retention: {days: 30}
        """ + "\n";

    private static readonly string Replication = """
        kind: VmReplication
        spec:
          virtualMachine: app-01
          targetCpoolRef: {name: dr}
          targetBlockVolumeRef: {name: dr-data}
          rpoHours: 4
        """ + "\n";

    /// <summary>Rule id, a bad manifest (a valid one with one change), the field, and the words of the rule.</summary>
    public static TheoryData<string, string, string, string> BadManifests() => new()
    {
        { "B1 size at least 500 GiB", Volume.Replace("sizeGiB: 1024", "sizeGiB: 499"), "spec.sizeGiB", "greater than or equal to 500" },
        { "B1 size at most 64 TiB", Volume.Replace("sizeGiB: 1024", "sizeGiB: 65537"), "spec.sizeGiB", "less than or equal to 65536" },
        { "B1 size of 9e18 GiB", Volume.Replace("sizeGiB: 1024", "sizeGiB: 9e18"), "spec.sizeGiB", "less than or equal to 65536" },
        { "C4 memory at most 32 hosts × 1,536 GiB", Cpool + "\n  memoryGiB: 3000000000", "spec.memoryGiB", "less than or equal to 49152" },
        { "C9 at most 1,000 affinity rules", Cpool + "\n  affinityRules:\n" + string.Concat(Enumerable.Range(0, 1001).Select(i => $"  - {{name: r{i}, type: Affinity, virtualMachines: [a, b]}}\n")), "spec.affinityRules", "should have at most 1000 items" },
        { "C9 at most 1,024 VMs per rule", Cpool + "\n  affinityRules: [{name: wide, type: AntiAffinity, virtualMachines: [" + string.Join(", ", Enumerable.Range(0, 1025).Select(i => $"vm-{i}")) + "]}]", "spec.affinityRules.virtualMachines", "should have at most 1024 items" },
        { "C9 VM names of at most 80 characters", Cpool + "\n  affinityRules: [{name: r, type: Affinity, virtualMachines: [a, " + new string('b', 81) + "]}]", "spec.affinityRules.virtualMachines", "should be at most 80 chars long" },
        { "B6 at most 64 Cpools mount a volume", Volume + "\n  cpoolRefs: [" + string.Join(", ", Enumerable.Range(0, 65).Select(i => $"{{name: c{i}}}")) + "]", "spec.cpoolRefs", "should have at most 64 items" },
        { "K2 retention of at most a century", Backup.Replace("retention: {days: 30}", "retention: {days: 30, years: 101}"), "spec.retention.years", "less than or equal to 100" },
        { "K3 at most 256 disks excluded per VM", Backup + "\n  virtualMachines: [{name: db-01, excludedDisks: [" + string.Join(", ", Enumerable.Range(0, 257).Select(i => $"\"Hard disk {i}\"")) + "]}]", "spec.virtualMachines.excludedDisks", "should have at most 256 items" },
        { "N3 at most 256 tenants", "kind: Vlan\nspec:\n  availabilityZones: [PAR7S]\n  sharedWithTenants: [" + string.Join(", ", Enumerable.Range(0, 257).Select(i => $"t{i}")) + "]", "spec.sharedWithTenants", "should have at most 256 items" },
        { "C1 at least 1 host", Cpool.Replace("hosts: 3", "hosts: 0"), "spec.hosts", "greater than or equal to 1" },
        { "C1 at most 32 hosts", Cpool.Replace("hosts: 3", "hosts: 33"), "spec.hosts", "less than or equal to 32" },
        { "C1 hosts required", Cpool.Replace("  hosts: 3\n", ""), "spec.hosts", "Required value" },
        { "C2 blade enum", Cpool.Replace("bladeType: standard", "bladeType: perf5"), "spec.bladeType", "Unsupported value: \"perf5\"" },
        { "C2 blade required", Cpool.Replace("  bladeType: standard\n", ""), "spec.bladeType", "Required value" },
        { "C3 zone of FR1", Cpool.Replace("availabilityZone: PAR7S", "availabilityZone: PAR8"), "spec.availabilityZone", "Unsupported value: \"PAR8\"" },
        { "C3 zone required", Cpool.Replace("  availabilityZone: PAR7S\n", ""), "spec.availabilityZone", "Required value" },
        { "C4 memory at least 128 GiB", Cpool + "\n  memoryGiB: 64", "spec.memoryGiB", "greater than or equal to 128" },
        { "C9 affinity rule covers at least 2 VMs", Cpool + "\n  affinityRules: [{name: solo, type: AntiAffinity, virtualMachines: [web-01]}]", "spec.affinityRules.virtualMachines", "at least 2 items" },
        { "C9 affinity rule type", Cpool + "\n  affinityRules: [{name: r, type: HostAffinity, virtualMachines: [a, b]}]", "spec.affinityRules.type", "Unsupported value: \"HostAffinity\"" },
        { "storage class enum", Volume.Replace("storageClass: premium", "storageClass: gold"), "spec.storageClass", "Unsupported value: \"gold\"" },
        { "storage class required", Volume.Replace("  storageClass: premium\n", ""), "spec.storageClass", "Required value" },
        { "B10 Sync replication refused", Volume + "\n  replication: {mode: Sync, targetAvailabilityZone: TH3S, standbyCpoolRef: {name: dr}}", "spec.replication.mode", "Unsupported value: \"Sync\"" },
        { "B12 replication target zone required", Volume + "\n  replication: {mode: Async, standbyCpoolRef: {name: dr}}", "spec.replication.targetAvailabilityZone", "Required value" },
        { "N2 VLAN spans at least one zone", "kind: Vlan\nspec:\n  availabilityZones: []", "spec.availabilityZones", "at least 1 items" },
        { "N2 VLAN zones of FR1", "kind: Vlan\nspec:\n  availabilityZones: [PAR7S, AZ99]", "spec.availabilityZones", "Unsupported value: \"AZ99\"" },
        { "K2 organization required", Backup.Replace("  organization: Acme\n", ""), "spec.organization", "Required value" },
        { "K2 tenant required", Backup.Replace("  tenant: acme-prod\n", ""), "spec.tenant", "Required value" },
        { "K2 contact phone required", Backup.Replace(", phone: \"+33 1 23 45 67 89\"", ""), "spec.contact.phone", "Required value" },
        { "K2 contact email", Backup.Replace("camille@acme.example", "camille-at-acme"), "spec.contact.email", "should match" },
        { "K2 retention required", Backup.Replace("  retention: {days: 30}\n", ""), "spec.retention", "Required value" },
        { "K2 retention days at least 0", Backup.Replace("retention: {days: 30}", "retention: {days: -1, weeks: 4}"), "spec.retention.days", "greater than or equal to 0" },
        { "K2 retention years at least 0", Backup.Replace("retention: {days: 30}", "retention: {days: 7, years: -2}"), "spec.retention.years", "greater than or equal to 0" },
        { "K3 VM name required", Backup + "\n  virtualMachines: [{excludedDisks: [\"Hard disk 2\"]}]", "spec.virtualMachines.name", "Required value" },
        { "V1 RPO at least 1 hour", Replication.Replace("rpoHours: 4", "rpoHours: 0"), "spec.rpoHours", "greater than or equal to 1" },
        { "V1 RPO at most 24 hours", Replication.Replace("rpoHours: 4", "rpoHours: 25"), "spec.rpoHours", "less than or equal to 24" },
        { "V3 target Cpool required", Replication.Replace("  targetCpoolRef: {name: dr}\n", ""), "spec.targetCpoolRef", "Required value" },
        { "V3 target volume required", Replication.Replace("  targetBlockVolumeRef: {name: dr-data}\n", ""), "spec.targetBlockVolumeRef", "Required value" },
        { "a reference names an object of the namespace", Volume + "\n  cpoolRefs: [{name: \"other-ns/prod\"}]", "spec.cpoolRefs.name", "should match" },
        { "a reference name is lowercase", Replication.Replace("targetCpoolRef: {name: dr}", "targetCpoolRef: {name: DR}"), "spec.targetCpoolRef.name", "should match" },
        { "managementPolicy enum", Cpool + "\n  managementPolicy: Import", "spec.managementPolicy", "Unsupported value: \"Import\"" },
        { "deletionPolicy enum", Cpool + "\n  deletionPolicy: Retain", "spec.deletionPolicy", "Unsupported value: \"Retain\"" },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public async Task KubectlApply_RejectsTheBadManifest_NamingTheField(string rule, string manifest, string field, string words)
    {
        var yaml = $"apiVersion: iaas.cloud-temple.com/v1alpha1\nmetadata:\n  name: bad\n{manifest.TrimEnd()}\n";

        var asUser = await Kubectl.RunAsync(["apply", "-n", Namespace, "-f", "-"], yaml);
        var byServerAlone = await Kubectl.RunAsync(["create", "--validate=false", "-n", Namespace, "-f", "-"], yaml);

        // The API server's own message: `The Cpool "bad" is invalid: spec.hosts: Invalid value: ...`.
        Assert.False(byServerAlone.Succeeded, $"{rule}: the API server accepted the manifest.\n{byServerAlone}");
        Assert.Contains($"is invalid: {field}", byServerAlone.StandardError, StringComparison.Ordinal);
        Assert.Contains(words, byServerAlone.StandardError, StringComparison.Ordinal);

        // kubectl checks required fields itself before sending (`missing required field "hosts"`);
        // either way the user is refused with the field named.
        Assert.False(asUser.Succeeded, $"{rule}: kubectl apply accepted the manifest.\n{asUser}");
        Assert.Contains(field.Split('.')[^1], asUser.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hosts", "3000000000", "less than or equal to 32")]
    [InlineData("memoryGiB", "-1", "greater than or equal to 0")]
    [InlineData("memoryUsagePercent", "250", "less than or equal to 100")]
    [InlineData("virtualMachines", "9e18", "less than or equal to 10000")]
    public async Task AStatusWrite_OutOfRange_IsRefusedByTheApiServer_AsASpecWriteIs(string field, string value, string words)
    {
        var yaml = $"apiVersion: iaas.cloud-temple.com/v1alpha1\nmetadata:\n  name: counted\n{Cpool.TrimEnd()}\n";
        (await Kubectl.RunAsync(["create", "-n", Namespace, "-f", "-"], yaml)).EnsureSuccess();

        var patch = await Kubectl.RunAsync("patch", "-n", Namespace, "cpool", "counted", "--subresource=status", "--type=merge", "-p", $"{{\"status\":{{\"{field}\":{value}}}}}");

        Assert.False(patch.Succeeded, patch.ToString());
        Assert.Contains($"status.{field}", patch.StandardError, StringComparison.Ordinal);
        Assert.Contains(words, patch.StandardError, StringComparison.Ordinal);
        var written = await Kubectl.RunAsync("get", "-n", Namespace, "cpool", "counted", "-o", $"jsonpath={{.status.{field}}}");
        Assert.Equal(string.Empty, written.StandardOutput.Trim());
    }

    [Fact]
    public async Task AStatusWrite_AtTheBounds_IsAccepted()
    {
        (await Kubectl.RunAsync(["create", "-n", Namespace, "-f", "-"], $"apiVersion: iaas.cloud-temple.com/v1alpha1\nmetadata:\n  name: full\n{Cpool.TrimEnd()}\n")).EnsureSuccess();

        var patch = await Kubectl.RunAsync("patch", "-n", Namespace, "cpool", "full", "--subresource=status", "--type=merge", "-p", "{\"status\":{\"hosts\":32,\"memoryGiB\":49152,\"memoryUsagePercent\":100}}");

        Assert.True(patch.Succeeded, patch.ToString());
    }

    [Fact]
    public async Task TheValidBaseManifests_AreAccepted_SoEachBadOneFailsOnlyForItsChange()
    {
        foreach (var (name, manifest) in new[] { ("base-cpool", Cpool), ("base-volume", Volume), ("base-backup", Backup), ("base-replication", Replication), ("base-vlan", "kind: Vlan\nspec:\n  availabilityZones: [PAR7S]\n") })
        {
            var yaml = $"apiVersion: iaas.cloud-temple.com/v1alpha1\nmetadata:\n  name: {name}\n{manifest.TrimEnd()}\n";
            var result = await Kubectl.RunAsync(["create", "--validate=false", "-n", Namespace, "-f", "-"], yaml);
            Assert.True(result.Succeeded, result.ToString());
        }
    }
}

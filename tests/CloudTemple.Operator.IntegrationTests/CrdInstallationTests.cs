using System.Text.Json;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.IntegrationTests.Harness;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>The committed CRDs on a real API server: installation, discovery, kubectl explain and get.</summary>
public sealed class CrdInstallationTests(ControlPlaneFixture fixture, ITestOutputHelper output) : ControlPlaneTest(fixture, output)
{
    // The table of docs/api.md, written out independently of the code that generates the CRDs.
    public static TheoryData<string, string, string> ApiTable() => new()
    {
        { "Cpool", "cpools", "cp" },
        { "BlockVolume", "blockvolumes", "bv" },
        { "Vlan", "vlans", "vl" },
        { "BackupPolicy", "backuppolicies", "bp" },
        { "VmReplication", "vmreplications", "vmr" },
        { "HsmKeyProvider", "hsmkeyproviders", "hsm" },
    };

    [Theory]
    [MemberData(nameof(ApiTable))]
    public async Task EveryCrd_IsEstablished_WithTheNamesOfTheApiContract(string kind, string plural, string shortName)
    {
        var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync($"{plural}.iaas.cloud-temple.com");

        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "NamesAccepted" && c.Status == "True");
        Assert.Equal(kind, crd.Status.AcceptedNames.Kind);
        Assert.Equal([shortName], crd.Status.AcceptedNames.ShortNames);
        Assert.Equal(["cloudtemple"], crd.Status.AcceptedNames.Categories);
        Assert.Equal("Namespaced", crd.Spec.Scope);
        var version = Assert.Single(crd.Spec.Versions);
        Assert.Equal("v1alpha1", version.Name);
    }

    [Fact]
    public async Task KubectlExplain_PrintsTheDescriptionOfCpoolSpecMemoryGiB()
    {
        // The API server publishes a new CRD's OpenAPI a moment after it is Established.
        var result = await Eventually.UntilAsync(
            () => Kubectl.RunAsync("explain", "cpool.spec.memoryGiB"),
            r => r.Succeeded,
            TimeSpan.FromSeconds(60),
            "kubectl explain cpool.spec.memoryGiB to succeed");

        Assert.Contains("memoryGiB", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Memory reservation in GiB, between hosts × 128 and hosts × the blade's RAM (rule C4)", Unwrap(result.StandardOutput), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KubectlExplain_DocumentsEveryKind()
    {
        foreach (var kind in new[] { "cpool", "blockvolume", "vlan", "backuppolicy", "vmreplication", "hsmkeyprovider" })
        {
            var result = await Eventually.UntilAsync(
                () => Kubectl.RunAsync("explain", $"{kind}.spec"),
                r => r.Succeeded,
                TimeSpan.FromSeconds(60),
                $"kubectl explain {kind}.spec to succeed");
            Assert.Contains("managementPolicy", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Manage (default) creates, updates and deletes", Unwrap(result.StandardOutput), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task KubectlGetCloudtemple_ListsAllSixKinds()
    {
        (await Kubectl.RunAsync("apply", "-n", Namespace, "-k", RepositoryPaths.Combine("config", "samples"))).EnsureSuccess();

        var result = (await Kubectl.RunAsync("get", "cloudtemple", "-n", Namespace, "-o", "name")).EnsureSuccess();

        var kinds = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('/')[0])
            .Distinct()
            .Order()
            .ToList();
        Assert.Equal(
            ["backuppolicy.iaas.cloud-temple.com", "blockvolume.iaas.cloud-temple.com", "cpool.iaas.cloud-temple.com",
             "hsmkeyprovider.iaas.cloud-temple.com", "vlan.iaas.cloud-temple.com", "vmreplication.iaas.cloud-temple.com"],
            kinds);

        var table = (await Kubectl.RunAsync("get", "cloudtemple", "-n", Namespace)).EnsureSuccess();
        Assert.Contains("READY", table.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cp", "prod-par7s")]
    [InlineData("bv", "prod-data")]
    [InlineData("vl", "app-network")]
    [InlineData("bp", "daily-30d")]
    [InlineData("vmr", "app-01-to-th3s")]
    [InlineData("hsm", "payments-kms")]
    public async Task ShortNames_WorkWithKubectl_AndShowThePrinterColumns(string shortName, string sampleName)
    {
        (await Kubectl.RunAsync("apply", "-n", Namespace, "-k", RepositoryPaths.Combine("config", "samples"))).EnsureSuccess();

        var result = (await Kubectl.RunAsync("get", shortName, sampleName, "-n", Namespace)).EnsureSuccess();

        var header = result.StandardOutput.Split('\n')[0];
        Assert.StartsWith("NAME", header, StringComparison.Ordinal);
        Assert.Contains("READY", header, StringComparison.Ordinal);
        Assert.Contains("AGE", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusIsASubresource_SoAWriteToTheMainResourceCannotChangeIt()
    {
        (await Kubectl.RunAsync("apply", "-n", Namespace, "-f", RepositoryPaths.Combine("config", "samples", "iaas_v1alpha1_vlan.yaml"))).EnsureSuccess();

        (await Kubectl.RunAsync("patch", "vlan", "app-network", "-n", Namespace, "--type=merge", "-p", """{"status":{"vlanId":42}}""")).EnsureSuccess();
        var afterMainPatch = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Name, ApiGroup.Version, Namespace, "vlans", "app-network");
        Assert.False(afterMainPatch.TryGetProperty("status", out var ignored) && ignored.TryGetProperty("vlanId", out _));

        (await Kubectl.RunAsync("patch", "vlan", "app-network", "-n", Namespace, "--subresource=status", "--type=merge", "-p", """{"status":{"vlanId":42}}""")).EnsureSuccess();
        var afterStatusPatch = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Name, ApiGroup.Version, Namespace, "vlans", "app-network");
        Assert.Equal(42, afterStatusPatch.GetProperty("status").GetProperty("vlanId").GetInt32());
    }

    // kubectl explain wraps long descriptions over several indented lines.
    private static string Unwrap(string text) => string.Join(' ', text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}

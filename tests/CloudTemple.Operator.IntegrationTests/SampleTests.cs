using System.Text.Json;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.IntegrationTests.Harness;
using k8s;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>Each sample of config/samples is accepted by the real API server and reads back into the C# types.</summary>
public sealed class SampleTests(ControlPlaneFixture fixture, ITestOutputHelper output) : ControlPlaneTest(fixture, output)
{
    public static TheoryData<string> SampleFiles() => [.. Samples()];

    [Fact]
    public void ThereIsASampleForEachKind() =>
        Assert.Equal(CustomResources.All.Select(t => $"iaas_v1alpha1_{t.Name.ToLowerInvariant()}.yaml").Order(), Samples());

    private static IEnumerable<string> Samples() =>
        Directory.GetFiles(RepositoryPaths.Combine("config", "samples"), "iaas_*.yaml").Select(f => Path.GetFileName(f)).Order();

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public async Task EachSample_IsAcceptedByKubectlApply(string file)
    {
        var result = await Kubectl.RunAsync("apply", "-n", Namespace, "-f", RepositoryPaths.Combine("config", "samples", file));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("created", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCpoolSample_ReadsBackIntoTheCSharpType_WithSchemaDefaultsApplied()
    {
        (await Kubectl.RunAsync("apply", "-n", Namespace, "-f", RepositoryPaths.Combine("config", "samples", "iaas_v1alpha1_cpool.yaml"))).EnsureSuccess();

        var cpool = await Get<Cpool>("cpools", "dr-th3s");

        Assert.Equal(Zone.TH3S, cpool.Spec.AvailabilityZone);
        Assert.Equal(BladeType.Standard, cpool.Spec.BladeType);
        Assert.Equal(2, cpool.Spec.Hosts);
        Assert.Null(cpool.Spec.MemoryGiB); // C4's default (hosts × 128) is computed, never written to spec
        Assert.Equal(ManagementPolicy.Manage, cpool.Spec.ManagementPolicy);
        Assert.Equal(DeletionPolicy.Delete, cpool.Spec.DeletionPolicy);
        Assert.True(cpool.Spec.HighAvailability);

        var prod = await Get<Cpool>("cpools", "prod-par7s");
        Assert.All(prod.Spec.AffinityRules, rule => Assert.True(rule.Enabled));
        Assert.Equal(AffinityType.AntiAffinity, prod.Spec.AffinityRules.Single(r => r.Name == "web-spread").Type);
    }

    [Fact]
    public async Task TheBlockVolumeSample_ReadsBackWithItsReplication()
    {
        (await Kubectl.RunAsync("apply", "-n", Namespace, "-f", RepositoryPaths.Combine("config", "samples", "iaas_v1alpha1_blockvolume.yaml"))).EnsureSuccess();

        var volume = await Get<BlockVolume>("blockvolumes", "prod-data");

        Assert.Equal(StorageClass.Premium, volume.Spec.StorageClass);
        Assert.Equal(2048, volume.Spec.SizeGiB);
        Assert.Equal(ReplicationMode.Async, volume.Spec.Replication!.Mode);
        Assert.Equal(Zone.TH3S, volume.Spec.Replication.TargetAvailabilityZone);
        Assert.Equal("dr-th3s", volume.Spec.Replication.StandbyCpoolRef.Name);
        Assert.False(volume.Spec.Replication.Failover);
    }

    private async Task<T> Get<T>(string plural, string name)
    {
        var json = await Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(ApiGroup.Name, ApiGroup.Version, Namespace, plural, name);
        return KubernetesJson.Deserialize<T>(json.GetRawText());
    }
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Generation;
using k8s.Models;

namespace CloudTemple.Operator.Tests;

public sealed class CrdGeneratorTests
{
    private static readonly CrdGenerator s_generator = CrdGenerator.ForEntities();

    public static TheoryData<string> Kinds() => [.. CustomResources.All.Select(t => t.Name)];

    public static TheoryData<string> GeneratedDirectories() =>
        [Manifests.CrdDirectory, Manifests.RbacDirectory, Manifests.WebhookDirectory, Manifests.ArgoCdDirectory, $"{Manifests.ChartDirectory}/crds", $"{Manifests.ChartDirectory}/files"];

    [Theory]
    [MemberData(nameof(GeneratedDirectories))]
    public void CommittedManifests_MatchWhatTheCodeGenerates(string directory)
    {
        var generated = directory switch
        {
            Manifests.CrdDirectory => Manifests.Crds(),
            Manifests.RbacDirectory => Manifests.RbacManifests(),
            Manifests.ArgoCdDirectory => Manifests.ArgoCdManifests(RepositoryPaths.Root),
            Manifests.WebhookDirectory => Manifests.WebhookManifests(),
            _ => Manifests.ChartManifests().Where(f => f.Key.StartsWith(directory + "/", StringComparison.Ordinal)).ToDictionary(),
        };
        Assert.NotEmpty(generated);
        foreach (var (path, content) in generated)
        {
            var committed = RepositoryPaths.Combine(path);
            Assert.True(File.Exists(committed), $"{path} is not committed: run `make manifests`.");
            Assert.True(content == File.ReadAllText(committed), $"{path} differs from what the code generates: run `make manifests`.");
        }

        var extra = Directory.GetFiles(RepositoryPaths.Combine(directory), "*.yaml")
            .Select(f => $"{directory}/{Path.GetFileName(f)}")
            .Where(f => !generated.ContainsKey(f));
        Assert.Empty(extra);
    }

    [Fact]
    public void TheRbac_NamesEveryVerbAndResource_NeverAWildcard()
    {
        var rbac = Manifests.RbacManifests()[$"{Manifests.RbacDirectory}/rbac.yaml"];
        Assert.DoesNotContain("'*'", rbac, StringComparison.Ordinal);
        Assert.DoesNotContain("\"*\"", rbac, StringComparison.Ordinal);
        Assert.DoesNotContain("- '*'", rbac, StringComparison.Ordinal);
        Assert.Contains("cpools/status", rbac, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryField_HasADescription(string kind)
    {
        var schema = Schema(kind);
        var undocumented = Walk(schema, "").Where(p => string.IsNullOrWhiteSpace(p.Schema.Description) && p.Path != ".metadata").Select(p => p.Path);
        Assert.Empty(undocumented);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Conditions_AreAListMapKeyedByType(string kind)
    {
        var conditions = Schema(kind).Properties["status"].Properties["conditions"];
        Assert.Equal("map", conditions.XKubernetesListType);
        Assert.Equal(["type"], conditions.XKubernetesListMapKeys);
        Assert.Equal(["lastTransitionTime", "message", "reason", "status", "type"], conditions.Items is V1JSONSchemaProps items ? items.Required : null);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKind_HasTheStatusSubresource_TheCategory_AndReadyAndAgeColumns(string kind)
    {
        var crd = s_generator.Generate(CustomResources.All.Single(t => t.Name == kind));
        var version = Assert.Single(crd.Spec.Versions);
        Assert.NotNull(version.Subresources?.Status);
        Assert.Equal(["cloudtemple"], crd.Spec.Names.Categories);
        Assert.Equal("Namespaced", crd.Spec.Scope);
        Assert.Contains(version.AdditionalPrinterColumns, c => c.Name == "Ready" && c.JsonPath == ".status.conditions[?(@.type==\"Ready\")].status");
        Assert.Contains(version.AdditionalPrinterColumns, c => c.Name == "Age" && c.Type == "date");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryList_OfSpecAndStatus_HasAMaxItems(string kind)
    {
        var unbounded = Walk(Schema(kind), "").Where(p => p.Schema.Type == "array" && p.Schema.MaxItems is null).Select(p => p.Path);
        Assert.Empty(unbounded);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryNumber_OfSpecAndStatus_HasAMinimumAndAMaximum_AndEveryIntegerItsFormat(string kind)
    {
        var numbers = Walk(Schema(kind), "").Where(p => p.Schema.Type is "integer" or "number").ToList();
        Assert.NotEmpty(numbers);
        Assert.Empty(numbers.Where(p => p.Schema.Minimum is null || p.Schema.Maximum is null).Select(p => p.Path));
        Assert.Empty(numbers.Where(p => p.Schema.Type == "integer" && p.Schema.Format is not ("int32" or "int64")).Select(p => p.Path));
        Assert.Empty(numbers.Where(p => p.Schema.Format == "int32" && p.Schema.Maximum > int.MaxValue).Select(p => p.Path));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryFreeString_OfSpecAndStatus_HasAMaxLength(string kind)
    {
        var unbounded = Walk(Schema(kind), "")
            .Where(p => p.Path is not (".apiVersion" or ".kind"))
            .Where(p => p.Schema is { Type: "string", EnumProperty: null, Format: null, MaxLength: null })
            .Select(p => p.Path);
        Assert.Empty(unbounded);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryReference_TakesAKubernetesObjectName(string kind)
    {
        var names = Walk(Schema(kind), "")
            .Where(p => p.Path.EndsWith("Ref.name", StringComparison.Ordinal) || p.Path.EndsWith("Refs[].name", StringComparison.Ordinal))
            .ToList();

        Assert.Contains(names, p => p.Path == ".spec.credentialsSecretRef.name");
        Assert.All(names, p =>
        {
            Assert.Equal(ApiBounds.ObjectNamePattern, p.Schema.Pattern);
            Assert.Equal((1L, (long?)ApiBounds.NameLength), (p.Schema.MinLength ?? 0, p.Schema.MaxLength));
        });
    }

    [Fact]
    public void B1_TheSizeOfAVolume_IsBoundedBy64TiB_InInt64()
    {
        var size = Schema(nameof(BlockVolume)).Properties["spec"].Properties["sizeGiB"];
        Assert.Equal(("int64", 500d, 65536d), (size.Format, size.Minimum, size.Maximum));
    }

    [Fact]
    public void C1_TheStatusCounters_AreBoundedLikeTheSpec_SoAStatusWriteCannotClaim3BillionHosts()
    {
        var status = Schema(nameof(Cpool)).Properties["status"];
        Assert.Equal(("int32", 32d), (status.Properties["hosts"].Format, status.Properties["hosts"].Maximum));
        Assert.Equal(32d * 1536, status.Properties["memoryGiB"].Maximum);
        Assert.Equal(100d, status.Properties["memoryUsagePercent"].Maximum);
    }

    [Fact]
    public void C9_AffinityRules_AreBoundedInNumberAndInVms()
    {
        var rules = Schema(nameof(Cpool)).Properties["spec"].Properties["affinityRules"];
        Assert.Equal(ApiBounds.AffinityRulesPerCpool, rules.MaxItems);
        var vms = ((V1JSONSchemaProps)rules.Items).Properties["virtualMachines"];
        Assert.Equal((2L, (long?)ApiBounds.VirtualMachinesPerAffinityRule), (vms.MinItems ?? 0, vms.MaxItems));
        Assert.Equal(ApiBounds.VirtualMachineNameLength, ((V1JSONSchemaProps)vms.Items).MaxLength);
    }

    [Fact]
    public void TheCrds_EmitNoCelValidations_WhichKubernetes120Refuses() =>
        Assert.All(Manifests.Crds().Values, yaml => Assert.DoesNotContain("x-kubernetes-validations", yaml, StringComparison.Ordinal));

    [Fact]
    public void B10_SyncReplication_IsLeftOutOfTheModeEnum()
    {
        var mode = Schema(nameof(BlockVolume)).Properties["spec"].Properties["replication"].Properties["mode"];
        Assert.Equal(["Async"], mode.EnumProperty);
        Assert.Contains("no longer sold since 2024-01-01", mode.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_ComeFromTheCSharpInitialisers()
    {
        var spec = Schema(nameof(Cpool)).Properties["spec"];
        Assert.Equal("Manage", spec.Properties["managementPolicy"].DefaultProperty);
        Assert.Equal("Delete", spec.Properties["deletionPolicy"].DefaultProperty);
        Assert.Equal(true, spec.Properties["highAvailability"].DefaultProperty);
        Assert.Null(spec.Properties["hosts"].DefaultProperty);
        Assert.Equal(true, ((V1JSONSchemaProps)spec.Properties["affinityRules"].Items).Properties["enabled"].DefaultProperty);
    }

    [Fact]
    public void EnumsUseTheApiSpelling_NotTheCSharpOne()
    {
        var spec = Schema(nameof(Cpool)).Properties["spec"];
        Assert.Equal(["eco", "standard", "advance", "perf1", "perf2", "perf3", "perf4"], spec.Properties["bladeType"].EnumProperty);
        Assert.Equal(["PAR7S", "TH3S", "AZ07"], spec.Properties["availabilityZone"].EnumProperty);
    }

    private static V1JSONSchemaProps Schema(string kind) =>
        s_generator.Generate(CustomResources.All.Single(t => t.Name == kind)).Spec.Versions[0].Schema.OpenAPIV3Schema;

    private static IEnumerable<(string Path, V1JSONSchemaProps Schema)> Walk(V1JSONSchemaProps schema, string path)
    {
        foreach (var (name, child) in schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
        {
            yield return ($"{path}.{name}", child);
            foreach (var nested in Walk(child, $"{path}.{name}"))
            {
                yield return nested;
            }

            if (child.Items is V1JSONSchemaProps items)
            {
                foreach (var nested in Walk(items, $"{path}.{name}[]"))
                {
                    yield return nested;
                }
            }
        }
    }
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Tests.Validation;

public sealed class SpecRulesTests
{
    private readonly InMemoryNamespaceView _namespace = new();

    [Fact]
    public async Task C2_TheBladeType_CannotChangeInPlace()
    {
        var old = Cpool(blade: BladeType.Standard);
        var violation = Assert.Single(await Check(Cpool(blade: BladeType.Perf2), old));
        Assert.Equal(("spec.bladeType", "C2"), (violation.Field, violation.Rule));
        Assert.Contains("was standard, perf2 was asked", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C3_TheZoneOfACpool_CannotChange() =>
        Assert.Equal(("spec.availabilityZone", "C3"), Only(await Check(Cpool(zone: Zone.TH3S), Cpool(zone: Zone.PAR7S))));

    [Theory]
    [InlineData(3, 383)]
    [InlineData(3, 1153)]
    public async Task C4_TheMemoryReservation_StaysBetweenHostsTimes128AndHostsTimesTheBladesRam(int hosts, int memory)
    {
        var violation = Assert.Single(await Check(Cpool(hosts: hosts, memory: memory)));
        Assert.Equal(("spec.memoryGiB", "C4"), (violation.Field, violation.Rule));
        Assert.Contains("between 384 GiB (hosts × 128) and 1152 GiB (hosts × 384)", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 384)]
    [InlineData(3, 1152)]
    public async Task C4_TheBoundsThemselves_AreAllowed(int hosts, int memory) =>
        Assert.Empty(await Check(Cpool(hosts: hosts, memory: memory)));

    [Fact]
    public async Task C8_AHypervisorUpdate_OnAOneHostCpool_IsRefused()
    {
        var old = Cpool(hosts: 1, build: "ESXi 8.0 U2");
        Assert.Equal(("spec.hypervisorBuild", "C8"), Only(await Check(Cpool(hosts: 1, build: "ESXi 8.0 U3"), old)));
    }

    [Fact]
    public async Task C8_AHypervisorUpdate_OnTwoHosts_IsAllowed() =>
        Assert.Empty(await Check(Cpool(hosts: 2, build: "ESXi 8.0 U3"), Cpool(hosts: 2, build: "ESXi 8.0 U2")));

    [Fact]
    public async Task C9_RulesThatJoinAndSeparateTheSamePair_Contradict()
    {
        var cpool = Cpool();
        cpool.Spec.AffinityRules =
        [
            new AffinityRule { Name = "together", Type = AffinityType.Affinity, VirtualMachines = ["app-01", "cache-01", "web-01"] },
            new AffinityRule { Name = "apart", Type = AffinityType.AntiAffinity, VirtualMachines = ["web-01", "app-01"] },
        ];

        var violation = Assert.Single(await Check(cpool));
        Assert.Equal(("spec.affinityRules", "C9"), (violation.Field, violation.Rule));
        Assert.Contains("'together' (Affinity) and 'apart' (AntiAffinity) both join and separate app-01 and web-01", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C9_ADisabledRule_ContradictsNothing()
    {
        var cpool = Cpool();
        cpool.Spec.AffinityRules =
        [
            new AffinityRule { Name = "together", Type = AffinityType.Affinity, VirtualMachines = ["a", "b"] },
            new AffinityRule { Name = "apart", Type = AffinityType.AntiAffinity, Enabled = false, VirtualMachines = ["a", "b"] },
        ];

        Assert.Empty(await Check(cpool));
    }

    [Fact]
    public async Task C9_TenThousandAffinityRules_AreRefusedByTheirBound_BeforeAnyPairIsCompared()
    {
        var cpool = Cpool();
        cpool.Spec.AffinityRules = [.. Enumerable.Range(0, 10_000).Select(i => new AffinityRule
        {
            Name = $"r{i}", Type = i % 2 == 0 ? AffinityType.Affinity : AffinityType.AntiAffinity, VirtualMachines = ["shared-1", "shared-2", $"vm-{i}"],
        })];

        var violation = Assert.Single(await Check(cpool));

        Assert.Equal(("spec.affinityRules", "bounds"), (violation.Field, violation.Rule));
        Assert.Contains($"10000 items, at most {ApiBounds.AffinityRulesPerCpool} are allowed", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C9_AThousandRulesThatAllShareOneVm_ContradictNothing()
    {
        // The worst case of the index: every Affinity rule meets every AntiAffinity rule once (500 × 500).
        var cpool = Cpool();
        cpool.Spec.AffinityRules = [.. Enumerable.Range(0, ApiBounds.AffinityRulesPerCpool).Select(i => new AffinityRule
        {
            Name = $"r{i}", Type = i % 2 == 0 ? AffinityType.Affinity : AffinityType.AntiAffinity, VirtualMachines = ["shared", $"vm-{i}"],
        })];

        Assert.Empty(await Check(cpool));
    }

    [Fact]
    public async Task C9_AContradiction_IsFoundAmongAThousandRulesOf1024Vms()
    {
        var cpool = Cpool();
        cpool.Spec.AffinityRules = [.. Enumerable.Range(0, ApiBounds.AffinityRulesPerCpool).Select(i => new AffinityRule
        {
            Name = $"r{i}",
            Type = i % 2 == 0 ? AffinityType.Affinity : AffinityType.AntiAffinity,
            VirtualMachines = [.. Enumerable.Range(0, ApiBounds.VirtualMachinesPerAffinityRule).Select(v => $"vm-{i}-{v}")],
        })];
        cpool.Spec.AffinityRules[999].VirtualMachines.AddRange(["vm-0-7", "vm-0-3"]);
        cpool.Spec.AffinityRules[999].VirtualMachines.RemoveRange(0, 2);

        var violation = Assert.Single(await Check(cpool));

        Assert.Equal(("spec.affinityRules", "C9"), (violation.Field, violation.Rule));
        Assert.Contains("'r0' (Affinity) and 'r999' (AntiAffinity) both join and separate vm-0-3 and vm-0-7", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C9_ManyContradictions_NameTheFirstTen_AndCountTheRest()
    {
        var cpool = Cpool();
        cpool.Spec.AffinityRules = [.. Enumerable.Range(0, 500).SelectMany(i => new[]
        {
            new AffinityRule { Name = $"together-{i}", Type = AffinityType.Affinity, VirtualMachines = [$"a-{i}", $"b-{i}"] },
            new AffinityRule { Name = $"apart-{i}", Type = AffinityType.AntiAffinity, VirtualMachines = [$"b-{i}", $"a-{i}"] },
        })];

        var violations = await Check(cpool);

        Assert.Equal(11, violations.Count);
        Assert.All(violations, v => Assert.Equal(("spec.affinityRules", "C9"), (v.Field, v.Rule)));
        Assert.Contains("'together-0' (Affinity) and 'apart-0' (AntiAffinity)", violations[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("490 more AntiAffinity rules contradict an Affinity rule", violations[10].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C9_AVmNamedTwiceInARule_IsNotASecondVmInCommon()
    {
        var cpool = Cpool();
        cpool.Spec.AffinityRules =
        [
            new AffinityRule { Name = "together", Type = AffinityType.Affinity, VirtualMachines = ["a", "b"] },
            new AffinityRule { Name = "apart", Type = AffinityType.AntiAffinity, VirtualMachines = ["a", "a", "c"] },
        ];

        Assert.Empty(await Check(cpool));
    }

    [Fact]
    public async Task C1_AHostCountPastTheSchema_IsRefusedWithItsRule_InsteadOfOverflowingTheMemoryFigures() =>
        Assert.Equal(("spec.hosts", "C1"), Only(await Check(Cpool(hosts: 2_000_000_000))));

    [Fact]
    public async Task B1_ASizePastTheSchema_IsRefusedWithItsRule()
    {
        var violation = Assert.Single(await Check(Volume(size: 9_000_000_000_000_000_000)));
        Assert.Equal(("spec.sizeGiB", "B1"), (violation.Field, violation.Rule));
        Assert.Contains("500 to 65536 are allowed", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStringPastItsMaxLength_InAList_IsRefusedNamingTheItem()
    {
        var provider = new HsmKeyProvider { Metadata = new() { Name = "kms", NamespaceProperty = "ns" }, Spec = new() { EncryptedVirtualMachines = ["ok", new string('x', 81)] } };

        var violation = Assert.Single(await Check(provider));

        Assert.Equal(("spec.encryptedVirtualMachines[1]", "bounds"), (violation.Field, violation.Rule));
        Assert.Contains("81 characters, at most 80", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReferenceNamePastTheSchema_ThatIsNoObjectName_IsRefusedNamingTheField()
    {
        var volume = Volume();
        volume.Spec.CpoolRefs = [new() { Name = "other-ns/prod" }];

        Assert.Equal(
            "spec.cpoolRefs[0].name: \"other-ns/prod\" is not a Kubernetes object name (lowercase letters, digits, '-' and '.', starting and ending with a letter or a digit, at most 253 characters) (rule bounds)",
            Assert.Single(await Check(volume)).ToString());
    }

    [Theory]
    [InlineData("Prod")]
    [InlineData("prod-")]
    [InlineData("-prod")]
    [InlineData("prod..data")]
    [InlineData("prod_data")]
    [InlineData("prod\n")]
    [InlineData("pröd")]
    public async Task EveryReference_TakesAnObjectName(string name)
    {
        var replication = Replication("app-01");
        replication.Spec.TargetBlockVolumeRef = new() { Name = name };
        replication.Spec.CredentialsSecretRef = new() { Name = name };
        var volume = Volume(replication: Mirror(Zone.TH3S));
        volume.Spec.CpoolRefs = [new() { Name = "prod" }, new() { Name = name }];
        volume.Spec.Replication!.StandbyCpoolRef = new() { Name = name };

        Assert.Equal(["spec.credentialsSecretRef.name", "spec.targetBlockVolumeRef.name"], (await Check(replication)).Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Equal(["spec.cpoolRefs[1].name", "spec.replication.standbyCpoolRef.name"], (await Check(volume)).Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("dr")]
    [InlineData("0")]
    [InlineData("dr-data.par7s")]
    [InlineData("a-b.c-d.e")]
    public async Task AnObjectName_IsAllowed_AsAReference(string name)
    {
        var volume = Volume();
        volume.Spec.CpoolRefs = [new() { Name = name }];
        Assert.Empty(await Check(volume));
    }

    [Fact]
    public async Task AnObjectNameOf253Characters_IsAllowed_AndOneOf254IsRefusedForItsLength()
    {
        var volume = Volume();
        volume.Spec.CpoolRefs = [new() { Name = new string('a', 253) }];
        Assert.Empty(await Check(volume));

        volume.Spec.CpoolRefs = [new() { Name = new string('a', 254) }];
        var violation = Assert.Single(await Check(volume));
        Assert.Equal(("spec.cpoolRefs[0].name", "bounds"), (violation.Field, violation.Rule));
        Assert.Contains("254 characters, at most 253", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExternalId_MayBeSetOnce_OnAnObjectThatHasNone() =>
        Assert.Empty(await Check(Volume(externalId: "ds-123"), Volume()));

    [Fact]
    public async Task ExternalId_OnceSet_CannotChange_NorBeRemoved()
    {
        var changed = Assert.Single(await Check(Volume(externalId: "ds-456"), Volume(externalId: "ds-123")));
        var removed = Assert.Single(await Check(Volume(), Volume(externalId: "ds-123")));

        Assert.Equal(("spec.externalId", "immutable"), (changed.Field, changed.Rule));
        Assert.Contains("bound to platform resource 'ds-123'; it cannot change to ds-456", changed.Message, StringComparison.Ordinal);
        Assert.Equal(("spec.externalId", "immutable"), (removed.Field, removed.Rule));
    }

    [Fact]
    public async Task ExternalId_OfAnObjectThatAlreadyManagesAResource_CannotPointElsewhere()
    {
        var created = Volume();
        created.Status = new() { ExternalId = "ds-made-by-the-operator" };

        var violation = Assert.Single(await Check(Volume(externalId: "ds-someone-elses"), created));

        Assert.Equal(("spec.externalId", "immutable"), (violation.Field, violation.Rule));
        Assert.Contains("already manages platform resource 'ds-made-by-the-operator' (status.externalId)", violation.Message, StringComparison.Ordinal);
        Assert.Empty(await Check(Volume(externalId: "ds-made-by-the-operator"), created));
    }

    [Fact]
    public async Task B8_AVolume_CanGrow_ButNeverShrink()
    {
        Assert.Empty(await Check(Volume(size: 2048), Volume(size: 1024)));
        var violation = Assert.Single(await Check(Volume(size: 1024), Volume(size: 2048)));
        Assert.Equal(("spec.sizeGiB", "B8"), (violation.Field, violation.Rule));
        Assert.Contains("it has 2048 GiB, 1024 GiB was asked", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task B8_FlashAndMass_DoNotChangeIntoEachOther_ButFlashClassesDo()
    {
        Assert.Empty(await Check(Volume(storageClass: StorageClass.Ultra), Volume(storageClass: StorageClass.Premium)));
        Assert.Equal(("spec.storageClass", "B8"), Only(await Check(Volume(storageClass: StorageClass.Mass), Volume(storageClass: StorageClass.Premium))));
    }

    [Fact]
    public async Task B10_SyncReplication_IsRefusedWithItsReason()
    {
        var volume = Volume(replication: new VolumeReplicationSpec { Mode = ReplicationMode.Sync, TargetAvailabilityZone = Zone.TH3S, StandbyCpoolRef = new() { Name = "dr" } });
        var violation = Assert.Single(await Check(volume));
        Assert.Equal(("spec.replication.mode", "B10"), (violation.Field, violation.Rule));
        Assert.Contains("no longer sold since 2024-01-01", violation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageClass.Enterprise)]
    [InlineData(StorageClass.Ultra)]
    [InlineData(StorageClass.Mass)]
    public async Task B11_GlobalMirror_IsOnlyForEssentialStandardAndPremium(StorageClass storageClass)
    {
        var violation = Assert.Single(await Check(Volume(storageClass: storageClass, replication: Mirror(Zone.TH3S))));
        Assert.Equal(("spec.replication", "B11"), (violation.Field, violation.Rule));
        Assert.Contains("only available for the essential, standard and premium classes", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task B12_TheReplica_IsInAnotherZone() =>
        Assert.Equal(("spec.replication.targetAvailabilityZone", "B12"), Only(await Check(Volume(replication: Mirror(Zone.PAR7S)))));

    [Fact]
    public async Task B12_TheTargetZone_CannotChange() =>
        Assert.Equal(("spec.replication.targetAvailabilityZone", "B12"), Only(await Check(Volume(replication: Mirror(Zone.AZ07)), Volume(replication: Mirror(Zone.TH3S)))));

    [Fact]
    public async Task B6_ADatastore_IsMountedByCpoolsOfItsOwnZone()
    {
        _namespace.Add(Cpool(name: "far", zone: Zone.TH3S));
        var volume = Volume();
        volume.Spec.CpoolRefs = [new() { Name = "far" }];

        Assert.Equal(("spec.cpoolRefs[0]", "B6"), Only(await Check(volume)));
    }

    [Fact]
    public async Task B14_TheStandbyCpool_IsInTheTargetZone()
    {
        _namespace.Add(Cpool(name: "dr", zone: Zone.AZ07));
        Assert.Equal(("spec.replication.standbyCpoolRef", "B14"), Only(await Check(Volume(replication: Mirror(Zone.TH3S)))));
    }

    [Fact]
    public async Task AReferenceToAnObjectNotYetCreated_IsAllowed_SoAWholeTenantCanBeAppliedAtOnce() =>
        Assert.Empty(await Check(Volume(replication: Mirror(Zone.TH3S))));

    [Fact]
    public async Task K2_ARetentionOfNothing_IsRefused()
    {
        var policy = new BackupPolicy { Metadata = new() { Name = "p", NamespaceProperty = "ns" } };
        Assert.Equal(("spec.retention", "K2"), Only(await Check(policy)));
        policy.Spec.Retention.Weeks = 4;
        Assert.Empty(await Check(policy));
    }

    [Fact]
    public async Task X1_AVmEncryptedByAKeyProvider_CannotBeReplicated()
    {
        _namespace.Add(new HsmKeyProvider { Metadata = new() { Name = "kms", NamespaceProperty = "ns" }, Spec = new() { EncryptedVirtualMachines = ["pay-01"] } });
        var violation = Assert.Single(await Check(Replication("pay-01")));
        Assert.Equal(("spec.virtualMachine", "X1"), (violation.Field, violation.Rule));
        Assert.Contains("encrypted by HsmKeyProvider 'kms'", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task X1_AReplicatedVm_CannotBeEncrypted()
    {
        _namespace.Add(Replication("app-01"));
        var provider = new HsmKeyProvider { Metadata = new() { Name = "kms", NamespaceProperty = "ns" }, Spec = new() { EncryptedVirtualMachines = ["app-01", "pay-01"] } };

        var violation = Assert.Single(await Check(provider));
        Assert.Equal(("spec.encryptedVirtualMachines", "X1"), (violation.Field, violation.Rule));
        Assert.Contains("VM 'app-01' is replicated by VmReplication 'app-01'", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V3_TheTargetCpoolAndVolume_AreInOneZone()
    {
        _namespace.Add(Cpool(name: "dr", zone: Zone.TH3S));
        _namespace.Add(Volume(name: "dr-data", zone: Zone.AZ07));
        Assert.Equal(("spec.targetBlockVolumeRef", "V3"), Only(await Check(Replication("app-01"))));
    }

    [Fact]
    public async Task TheVirtualMachineOfAReplication_CannotChange() =>
        Assert.Equal(("spec.virtualMachine", "immutable"), Only(await Check(Replication("app-02"), Replication("app-01"))));

    [Fact]
    public async Task N3_AVlanSharedBeyondItsOrganization_IsRefused_WhenThePlatformCanTell()
    {
        var vlan = new Vlan { Metadata = new() { Name = "net", NamespaceProperty = "ns" }, Spec = new() { AvailabilityZones = [Zone.PAR7S], SharedWithTenants = ["sister", "stranger"] } };

        var violations = await SpecRules.CheckAsync(vlan, null, _namespace, new Directory(["me", "sister"]), CancellationToken.None);

        var violation = Assert.Single(violations);
        Assert.Equal(("spec.sharedWithTenants[1]", "N3"), (violation.Field, violation.Rule));
        Assert.Contains("tenant stranger is not in this tenant's organization", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N3_IsLeftToThePlatform_WhenTheOrganizationCannotBeKnownNow()
    {
        var vlan = new Vlan { Metadata = new() { Name = "net", NamespaceProperty = "ns" }, Spec = new() { AvailabilityZones = [Zone.PAR7S], SharedWithTenants = ["stranger"] } };

        Assert.Empty(await SpecRules.CheckAsync(vlan, null, _namespace, new Directory(null), CancellationToken.None));
    }

    [Fact]
    public async Task EveryViolation_NamesTheFieldAndTheRule() =>
        Assert.Equal("spec.sizeGiB: a volume can grow, never shrink: it has 2048 GiB, 1024 GiB was asked (rule B8)",
            (await Check(Volume(size: 1024), Volume(size: 2048))).Single().ToString());

    private Task<IReadOnlyList<Violation>> Check(ICustomResource current, ICustomResource? old = null) =>
        SpecRules.CheckAsync(current, old, _namespace, CancellationToken.None);

    private static (string Field, string Rule) Only(IReadOnlyList<Violation> violations)
    {
        var violation = Assert.Single(violations);
        return (violation.Field, violation.Rule);
    }

    private static Cpool Cpool(string name = "prod", Zone zone = Zone.PAR7S, BladeType blade = BladeType.Standard, int hosts = 3, int? memory = null, string? build = null) => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = "ns" },
        Spec = new() { AvailabilityZone = zone, BladeType = blade, Hosts = hosts, MemoryGiB = memory, HypervisorBuild = build },
    };

    private static BlockVolume Volume(string name = "data", Zone zone = Zone.PAR7S, StorageClass storageClass = StorageClass.Premium, long size = 1024, VolumeReplicationSpec? replication = null, string? externalId = null) => new()
    {
        Metadata = new() { Name = name, NamespaceProperty = "ns" },
        Spec = new() { AvailabilityZone = zone, StorageClass = storageClass, SizeGiB = size, Replication = replication, ExternalId = externalId },
    };

    private static VolumeReplicationSpec Mirror(Zone target) =>
        new() { Mode = ReplicationMode.Async, TargetAvailabilityZone = target, StandbyCpoolRef = new() { Name = "dr" } };

    private static VmReplication Replication(string vm) => new()
    {
        Metadata = new() { Name = vm, NamespaceProperty = "ns" },
        Spec = new() { VirtualMachine = vm, TargetCpoolRef = new() { Name = "dr" }, TargetBlockVolumeRef = new() { Name = "dr-data" }, RpoHours = 4 },
    };

    private sealed class Directory(IReadOnlyList<string>? tenants) : ITenantDirectory
    {
        public Task<IReadOnlyList<string>?> OrganizationTenantsAsync(ICustomResource entity, CancellationToken cancellationToken) => Task.FromResult(tenants);

        public Task<CloudTemple.Operator.Platform.TenantIdentity?> RequesterAsync(ICustomResource entity, CancellationToken cancellationToken) =>
            Task.FromResult<CloudTemple.Operator.Platform.TenantIdentity?>(null);
    }
}

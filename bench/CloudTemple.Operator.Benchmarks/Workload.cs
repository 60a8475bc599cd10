using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using k8s;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>One kind of the API: its name and plural, and whether its objects reference others.</summary>
internal sealed record Kind(string Name, string Plural)
{
    public static readonly Kind Cpool = new("Cpool", "cpools");
    public static readonly Kind BlockVolume = new("BlockVolume", "blockvolumes");
    public static readonly Kind Vlan = new("Vlan", "vlans");
    public static readonly Kind HsmKeyProvider = new("HsmKeyProvider", "hsmkeyproviders");
    public static readonly Kind BackupPolicy = new("BackupPolicy", "backuppolicies");
    public static readonly Kind VmReplication = new("VmReplication", "vmreplications");

    /// <summary>The six kinds, each after the kinds it references.</summary>
    public static readonly IReadOnlyList<Kind> All = [Cpool, BlockVolume, Vlan, HsmKeyProvider, BackupPolicy, VmReplication];
}

/// <summary>One object of the workload: its kind, name, body, and the objects it references.</summary>
internal sealed record WorkloadObject(Kind Kind, string Name, JsonObject Body, IReadOnlyList<(Kind Kind, string Name)> References)
{
    public string Key => $"{Kind.Name}/{Name}";
}

/// <summary>
/// N objects of the six kinds with valid references, in units of six around one Cpool: the Cpool
/// (PAR7S, 2 standard hosts); a BlockVolume, a Vlan and an HsmKeyProvider on it; a BackupPolicy of
/// one seeded VM; a VmReplication of that VM to the Cpool and the BlockVolume. The VMs live on a
/// seeded Cpool in TH3S, so each replication crosses zones and each backup leaves the VM's zone.
/// The dependency depth is three: Cpool ← BlockVolume ← VmReplication. The simulated platform is
/// seeded (<see cref="WriteInventory"/>) with the tenant, its token and one VM per unit.
/// </summary>
internal static class Workload
{
    public const string Organization = "Bench Org";
    public const string Tenant = "bench";
    public const string TokenId = "pat-bench";
    public const string TokenSecret = "bench-secret-not-a-secret";

    public static int Units(int objects) => (objects + Kind.All.Count - 1) / Kind.All.Count;

    public static IReadOnlyList<WorkloadObject> Objects(int count)
    {
        var objects = new List<WorkloadObject>(count);
        for (var unit = 0; objects.Count < count; unit++)
        {
            foreach (var kind in Kind.All)
            {
                if (objects.Count < count)
                {
                    objects.Add(Make(kind, unit));
                }
            }
        }

        return objects;
    }

    public static string Vm(int unit) => string.Create(CultureInfo.InvariantCulture, $"vm-{unit:D5}");

    private static string Name(string prefix, int unit) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{unit:D5}");

    private static WorkloadObject Make(Kind kind, int unit)
    {
        var cpool = Name("cp", unit);
        var volume = Name("bv", unit);
        JsonObject CpoolRefs() => new() { ["cpoolRefs"] = new JsonArray(new JsonObject { ["name"] = cpool }) };
        var (name, spec, references) = kind.Name switch
        {
            "Cpool" => (cpool, new JsonObject { ["availabilityZone"] = "PAR7S", ["bladeType"] = "standard", ["hosts"] = 2 }, Array.Empty<(Kind, string)>()),
            "BlockVolume" => (volume, Merge(CpoolRefs(), new JsonObject { ["availabilityZone"] = "PAR7S", ["storageClass"] = "standard", ["sizeGiB"] = 500 }),
                [(Kind.Cpool, cpool)]),
            "Vlan" => (Name("vl", unit), Merge(CpoolRefs(), new JsonObject { ["availabilityZones"] = new JsonArray("PAR7S") }), [(Kind.Cpool, cpool)]),
            "HsmKeyProvider" => (Name("hsm", unit), CpoolRefs(), [(Kind.Cpool, cpool)]),
            "BackupPolicy" => (Name("bp", unit), new JsonObject
            {
                ["organization"] = Organization,
                ["tenant"] = Tenant,
                ["contact"] = new JsonObject { ["name"] = "Bench Runner", ["email"] = "bench@example.com", ["phone"] = "+33 1 23 45 67 89" },
                ["retention"] = new JsonObject { ["days"] = 7 },
                ["virtualMachines"] = new JsonArray(new JsonObject { ["name"] = Vm(unit) }),
            }, []),
            "VmReplication" => (Name("vmr", unit), new JsonObject
            {
                ["virtualMachine"] = Vm(unit),
                ["targetCpoolRef"] = new JsonObject { ["name"] = cpool },
                ["targetBlockVolumeRef"] = new JsonObject { ["name"] = volume },
                ["rpoHours"] = 4,
            }, [(Kind.Cpool, cpool), (Kind.BlockVolume, volume)]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var body = new JsonObject
        {
            ["apiVersion"] = ApiGroup.ApiVersion,
            ["kind"] = kind.Name,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
        return new WorkloadObject(kind, name, body, references);
    }

    private static JsonObject Merge(JsonObject a, JsonObject b)
    {
        foreach (var (key, value) in b.ToList())
        {
            b.Remove(key);
            a[key] = value;
        }

        return a;
    }

    /// <summary>The seed inventory: the tenant (HSM-subscribed), its token, a TH3S Cpool and datastore, and one VM per unit.</summary>
    public static void WriteInventory(string path, int units)
    {
        var yaml = new StringBuilder($"""
            # Written by cloudtemple-bench: the tenant of the benchmark's objects and its VMs.
            organizations:
              - name: {Organization}
                id: org-bench
                tenants:
                  - name: {Tenant}
                    id: 6b1d2c3e-0000-4000-8000-00000000be0c
                    hsmSubscription: true
                    personalAccessTokens:
                      - id: {TokenId}
                        secret: {TokenSecret}
                    cpools:
                      - name: vms-th3s
                        zone: TH3S
                        bladeType: standard
                        hosts: 32
                    blockVolumes:
                      - name: vms-th3s-ds01
                        zone: TH3S
                        storageClass: standard
                        sizeGiB: {Math.Max(4096, units * 32)}
                        cpools: [vms-th3s]
                    virtualMachines:

            """);
        for (var unit = 0; unit < units; unit++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                          - name: {Vm(unit)}
                            cpool: vms-th3s
                            datastore: vms-th3s-ds01
                            memoryGiB: 4
                            disks: [{"{"} name: Hard disk 1, sizeGiB: 20 {"}"}]

                """);
        }

        File.WriteAllText(path, yaml.ToString());
    }

    /// <summary>Creates the objects, <paramref name="concurrency"/> at a time, as a burst of kubectl applies would.</summary>
    public static Task CreateAsync(IKubernetes client, string namespaceName, IEnumerable<WorkloadObject> objects, int concurrency, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (o, ct) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.CustomObjects.CreateNamespacedCustomObjectAsync(o.Body.DeepClone(), ApiGroup.Name, ApiGroup.Version, namespaceName, o.Kind.Plural, cancellationToken: ct).ConfigureAwait(false);
                    return;
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    return; // Created by an earlier attempt whose answer was lost.
                }
                catch (Exception e) when (attempt < 30 && e is HttpRequestException or k8s.Autorest.HttpOperationException { Response.StatusCode: >= System.Net.HttpStatusCode.InternalServerError })
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                }
            }
        });
}

using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>
/// The seed inventory (config/sandbox/inventory.yaml): organizations, tenants with their personal
/// access tokens, and what already runs in each tenant (Cpools, volumes, VMs). Loaded into a platform
/// with zero durations, so everything it creates is ready when the service starts.
/// </summary>
public sealed class InventoryFile
{
    public List<OrganizationEntry> Organizations { get; set; } = [];

    /// <summary>Reads a seed inventory.</summary>
    public static InventoryFile Read(string path)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        using var reader = File.OpenText(path);
        return deserializer.Deserialize<InventoryFile>(reader) ?? new InventoryFile();
    }

    /// <summary>A snapshot of a platform holding this inventory, every resource ready, dated by the clock.</summary>
    public PlatformSnapshot Seed(TimeProvider clock)
    {
        var platform = new SimulatedPlatform(clock, SimulatorOptions.Immediate);
        foreach (var org in Organizations)
        {
            var organization = platform.AddOrganization(org.Name, org.Id);
            foreach (var t in org.Tenants)
            {
                var tenant = platform.AddTenant(organization.Id, t.Name, t.HsmSubscription, t.Id);
                foreach (var pat in t.PersonalAccessTokens)
                {
                    platform.AddPersonalAccessToken(tenant.Id, pat.Id, pat.Secret, pat.UserId);
                }

                var cpools = t.Cpools.ToDictionary(
                    c => c.Name,
                    c => platform.CreateCpool(tenant.Id, new CpoolRequest(c.Name, ParseZone(c.Zone), ParseBlade(c.BladeType), c.Hosts, c.MemoryGiB), c.Id).ResourceId);
                var volumes = new Dictionary<string, string>();
                foreach (var v in t.BlockVolumes)
                {
                    var id = platform.CreateBlockVolume(tenant.Id, v.Name, ParseZone(v.Zone), ParseClass(v.StorageClass), v.SizeGiB).ResourceId;
                    volumes[v.Name] = id;
                    foreach (var cpool in v.Cpools)
                    {
                        platform.MountBlockVolume(id, Lookup(cpools, cpool, "Cpool"));
                    }
                }

                foreach (var vm in t.VirtualMachines)
                {
                    platform.AddVirtualMachine(tenant.Id, new VirtualMachineRequest(
                        vm.Name,
                        Lookup(cpools, vm.Cpool, "Cpool"),
                        Lookup(volumes, vm.Datastore, "Block volume"),
                        vm.MemoryGiB,
                        [.. vm.Disks.Select(d => new VirtualDisk(d.Name, d.SizeGiB))],
                        string.Equals(vm.PowerState, "poweredOn", StringComparison.OrdinalIgnoreCase) ? PowerState.PoweredOn : PowerState.PoweredOff,
                        vm.Snapshots,
                        vm.WriteHeavy,
                        vm.Host));
                }
            }
        }

        return platform.Export();
    }

    private static string Lookup(Dictionary<string, string> ids, string name, string what) =>
        ids.TryGetValue(name, out var id) ? id : throw new InvalidDataException($"The inventory names {what} '{name}', which it does not define in the same tenant.");

    private static Zone ParseZone(string zone) => Enum.Parse<Zone>(zone, ignoreCase: true);

    private static BladeType ParseBlade(string blade) =>
        PlatformCatalog.Blades.FirstOrDefault(b => string.Equals(b.Code, blade, StringComparison.OrdinalIgnoreCase))?.Type ?? Enum.Parse<BladeType>(blade, ignoreCase: true);

    private static StorageClass ParseClass(string storageClass) => Enum.Parse<StorageClass>(storageClass, ignoreCase: true);

    public sealed class OrganizationEntry
    {
        public string? Id { get; set; }

        public string Name { get; set; } = string.Empty;

        public List<TenantEntry> Tenants { get; set; } = [];
    }

    public sealed class TenantEntry
    {
        public string? Id { get; set; }

        public string Name { get; set; } = string.Empty;

        public bool HsmSubscription { get; set; }

        public List<TokenEntry> PersonalAccessTokens { get; set; } = [];

        public List<CpoolEntry> Cpools { get; set; } = [];

        public List<VolumeEntry> BlockVolumes { get; set; } = [];

        public List<VmEntry> VirtualMachines { get; set; } = [];
    }

    public sealed class TokenEntry
    {
        public string Id { get; set; } = string.Empty;

        public string Secret { get; set; } = string.Empty;

        public string? UserId { get; set; }
    }

    public sealed class CpoolEntry
    {
        /// <summary>A fixed id, so that manifests can adopt the Cpool by spec.externalId; generated when unset.</summary>
        public string? Id { get; set; }

        public string Name { get; set; } = string.Empty;

        public string Zone { get; set; } = string.Empty;

        public string BladeType { get; set; } = "standard";

        public int Hosts { get; set; } = 1;

        public int? MemoryGiB { get; set; }
    }

    public sealed class VolumeEntry
    {
        public string Name { get; set; } = string.Empty;

        public string Zone { get; set; } = string.Empty;

        public string StorageClass { get; set; } = "standard";

        public long SizeGiB { get; set; }

        public List<string> Cpools { get; set; } = [];
    }

    public sealed class VmEntry
    {
        public string Name { get; set; } = string.Empty;

        public string Cpool { get; set; } = string.Empty;

        public string Datastore { get; set; } = string.Empty;

        public int MemoryGiB { get; set; }

        public List<DiskEntry> Disks { get; set; } = [];

        public string PowerState { get; set; } = "poweredOff";

        public int Snapshots { get; set; }

        public bool WriteHeavy { get; set; }

        public int? Host { get; set; }
    }

    public sealed class DiskEntry
    {
        public string Name { get; set; } = string.Empty;

        public long SizeGiB { get; set; }
    }
}

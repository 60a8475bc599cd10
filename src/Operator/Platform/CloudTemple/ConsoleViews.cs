using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudTemple.Operator.Platform.CloudTemple;

// The JSON answers of the console API, with the field names that public sources document
// (cloud-temple-api.md). Capacities and memory are bytes (long). Only the fields used are declared;
// every one that the documentation does not promise is nullable.

/// <summary>A reference to another object: <c>{id, name}</c>.</summary>
internal sealed record NamedView(string Id, string? Name);

/// <summary>An id in a list: <c>{id, type}</c>.</summary>
internal sealed record IdView(string Id);

/// <summary>The figures of a host cluster (bytes for memory and storage).</summary>
internal sealed record HostClusterMetrics(long TotalMemory, long MemoryUsed);

/// <summary>A host cluster (<c>/api/compute/v1/vcenters/host_clusters/{id}</c>): what a Cpool is on the platform.</summary>
internal sealed record HostClusterView(
    string Id,
    string Name,
    IReadOnlyList<IdView>? Hosts,
    HostClusterMetrics? Metrics,
    int VirtualMachinesNumber,
    NamedView? Datacenter = null,
    NamedView? MachineManager = null);

/// <summary>The memory of a host, bytes.</summary>
internal sealed record HostMemoryView(long MemorySize, long MemoryUsage);

/// <summary>The hypervisor of a host. The API gives the build as a number (the official Terraform provider reads an int).</summary>
internal sealed record HostEsxView(string? Version, [property: JsonConverter(typeof(NumberAsStringConverter))] string? Build);

/// <summary>The figures of a host.</summary>
internal sealed record HostMetricsView(HostMemoryView? Memory, HostEsxView? Esx);

/// <summary>A host (<c>/api/compute/v1/vcenters/hosts</c>).</summary>
internal sealed record HostView(string Id, string? Name, HostMetricsView? Metrics, bool MaintenanceMode);

/// <summary>A datastore (<c>/api/compute/v1/vcenters/datastores/{id}</c>): what a BlockVolume is on the platform. Capacities in bytes.</summary>
internal sealed record DatastoreView(
    string Id,
    string Name,
    long MaxCapacity,
    long FreeCapacity,
    [property: JsonConverter(typeof(NumberAsBooleanConverter))] bool Accessible,
    bool MaintenanceMode = false,
    int VirtualMachinesNumber = 0,
    IReadOnlyList<string>? HostsNames = null);

/// <summary>A network (<c>/api/compute/v1/vcenters/networks/{id}</c>): what a Vlan is on the platform. No 802.1Q id is exposed.</summary>
internal sealed record NetworkView(string Id, string Name, int VirtualMachinesNumber, IReadOnlyList<string>? HostNames);

/// <summary>
/// A VM (<c>/api/compute/v1/vcenters/virtual_machines</c>); memory in bytes. Its placement comes
/// either as ids and a datacenter object or, as the provider's own client reads it, as
/// <c>virtualDatacenterId</c> and <c>datastoreName</c>: both are read.
/// </summary>
internal sealed record ConsoleVirtualMachineView(
    string Id,
    string Name,
    string? PowerState,
    long Memory,
    string? HostClusterId,
    string? DatastoreId,
    string? DatastoreName,
    NamedView? Datacenter,
    string? VirtualDatacenterId,
    bool Snapshoted);

/// <summary>The retention of a sub-policy, in days.</summary>
internal sealed record RetentionView(int Age);

/// <summary>A sub-policy of an SLA policy.</summary>
internal sealed record SubPolicyView(string? Type, bool UseEncryption, string? Site, RetentionView? Retention);

/// <summary>A backup SLA policy (<c>/api/backup/v1/spp/policies/{id}</c>).</summary>
internal sealed record SlaPolicyView(string Id, string Name, IReadOnlyList<SubPolicyView>? SubPolicies);

/// <summary>A VM as the backup inventory knows it (<c>/api/backup/v1/spp/virtual_machines/{id}</c>).</summary>
internal sealed record BackupVirtualMachineView(string Id, string? Name, IReadOnlyList<NamedView>? SlaPolicies);

/// <summary>A backup job (<c>/api/backup/v1/spp/jobs</c>).</summary>
internal sealed record JobView(string Id, string Name, string Type);

/// <summary>Conversions of the console API's units.</summary>
internal static class Bytes
{
    public const long PerGiB = 1L << 30;

    /// <summary>Bytes as whole GiB (rounded down).</summary>
    public static long ToGiB(long bytes) => bytes / PerGiB;
}
/// <summary>Reads a number (e.g. an ESXi build) as its text; a string is read as it is.</summary>
internal sealed class NumberAsStringConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
        JsonTokenType.String => reader.GetString(),
        _ => throw new JsonException($"Expected a number or a string, not {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

/// <summary>Reads a flag the API gives as a number (0 or 1, e.g. a datastore's <c>accessible</c>); true and false are read as they are.</summary>
internal sealed class NumberAsBooleanConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Number => reader.GetDouble() != 0,
        _ => throw new JsonException($"Expected a boolean or a number, not {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBooleanValue(value);
    }
}

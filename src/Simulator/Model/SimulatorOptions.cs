namespace CloudTemple.Operator.Simulator.Model;

/// <summary>
/// How long the simulated platform's operations take. An operation waits <see cref="Waiting"/>,
/// then runs for its kind's duration; zero durations complete within the write itself.
/// </summary>
public sealed record SimulatorOptions
{
    /// <summary>Every duration zero: each write has completed when it returns (unit tests).</summary>
    public static SimulatorOptions Immediate { get; } = new()
    {
        Waiting = TimeSpan.Zero,
        Cpool = TimeSpan.Zero,
        HypervisorUpdatePerHost = TimeSpan.Zero,
        BlockVolume = TimeSpan.Zero,
        GlobalMirror = TimeSpan.Zero,
        Vlan = TimeSpan.Zero,
        BackupServiceRequest = TimeSpan.Zero,
        BackupAssignment = TimeSpan.Zero,
        VmReplication = TimeSpan.Zero,
        HsmKeyProvider = TimeSpan.Zero,
        Encryption = TimeSpan.Zero,
        Delete = TimeSpan.Zero,
        InventoryJob = TimeSpan.Zero,
    };

    /// <summary>Time an operation stays waiting before it runs.</summary>
    public TimeSpan Waiting { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Creating or changing a Cpool.</summary>
    public TimeSpan Cpool { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Updating the hypervisor of one host; a Cpool's hosts are rolled one at a time (C8).</summary>
    public TimeSpan HypervisorUpdatePerHost { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Creating, resizing or mounting a block volume.</summary>
    public TimeSpan BlockVolume { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Setting up Global Mirror replication or failing it over.</summary>
    public TimeSpan GlobalMirror { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Creating or changing a VLAN.</summary>
    public TimeSpan Vlan { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The backup policy service request, from pending to fulfilled or refused (K2).</summary>
    public TimeSpan BackupServiceRequest { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Assigning a backup policy to a VM.</summary>
    public TimeSpan BackupAssignment { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The initial copy of a VM replication, and a failover.</summary>
    public TimeSpan VmReplication { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>Creating or activating an HSM key provider.</summary>
    public TimeSpan HsmKeyProvider { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Encrypting or decrypting one VM.</summary>
    public TimeSpan Encryption { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The backup inventory's catalog job ("Hypervisor Inventory").</summary>
    public TimeSpan InventoryJob { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Deleting any resource.</summary>
    public TimeSpan Delete { get; init; } = TimeSpan.FromSeconds(30);
}

namespace CloudTemple.Operator.Entities;

/// <summary>The kinds of the API, in the order of docs/api.md.</summary>
public static class CustomResources
{
    /// <summary>The entity type of every kind.</summary>
    public static IReadOnlyList<Type> All { get; } =
    [
        typeof(Cpool),
        typeof(BlockVolume),
        typeof(Vlan),
        typeof(BackupPolicy),
        typeof(VmReplication),
        typeof(HsmKeyProvider),
    ];
}

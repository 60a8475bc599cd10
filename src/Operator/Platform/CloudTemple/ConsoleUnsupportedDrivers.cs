namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// VM replications on the console API: none of it is public (a support request). The API cannot
/// list them, so none is ever found by name and the create says what to ask for; reading one by id
/// cannot work either. Every call throws <see cref="ManualOrderRequiredException"/> and sends nothing.
/// </summary>
internal sealed class ConsoleReplicationDriver : IReplicationDriver
{
    public Task<PlatformOperation> CreateReplicationAsync(VmReplicationSpecification specification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(specification);
        throw ManualOrders.CreateReplication(specification);
    }

    public Task<PlatformOperation> FailoverAsync(string replicationId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.ReplicationAction(replicationId, "fail over");

    public Task<PlatformOperation> DeleteReplicationAsync(string replicationId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.ReplicationAction(replicationId, "stop");

    public Task<VmReplicationObservation> GetReplicationAsync(string replicationId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.CannotRead("VM replications", $"replication {replicationId}");

    public Task<VmReplicationObservation?> FindReplicationByVirtualMachineAsync(string virtualMachine, CancellationToken cancellationToken = default) =>
        Task.FromResult<VmReplicationObservation?>(null);
}

/// <summary>
/// HSM key providers and VM encryption on the console API: a support request, then a console action.
/// The API cannot list providers, so none is ever found by name and the create says what to ask for.
/// Every other call throws <see cref="ManualOrderRequiredException"/> and sends nothing.
/// </summary>
internal sealed class ConsoleKeyManagementDriver : IKeyManagementDriver
{
    public Task<PlatformOperation> CreateProviderAsync(string name, CancellationToken cancellationToken = default) =>
        throw ManualOrders.CreateKeyProvider(name);

    public Task<PlatformOperation> ActivateAsync(string providerId, string cpoolId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.KeyProviderAction($"activate on Cpool {cpoolId}", providerId, virtualMachine: null, billed: false);

    public Task<PlatformOperation> EncryptAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default) =>
        throw ManualOrders.KeyProviderAction("encrypt", providerId, virtualMachine, billed: true);

    public Task<PlatformOperation> DecryptAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default) =>
        throw ManualOrders.KeyProviderAction("decrypt", providerId, virtualMachine, billed: false);

    public Task<PlatformOperation> DeleteProviderAsync(string providerId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.KeyProviderAction("delete", providerId, virtualMachine: null, billed: false);

    public Task<KeyProviderObservation> GetProviderAsync(string providerId, CancellationToken cancellationToken = default) =>
        throw ManualOrders.CannotRead("HSM key providers", $"key provider {providerId}");

    public Task<KeyProviderObservation?> FindProviderByNameAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<KeyProviderObservation?>(null);

    public Task<VmEncryptionObservation> GetEncryptionAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default) =>
        throw ManualOrders.CannotRead("VM encryption", $"VM '{virtualMachine}'");
}

using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.Simulated;

/// <summary>HSM key providers and VM encryption on the simulated platform (provisioning API).</summary>
internal sealed class SimulatedKeyManagementDriver(PlatformSession session) : IKeyManagementDriver
{
    private const string Providers = "api/simulator/v1/hsm-key-providers";

    public Task<PlatformOperation> CreateProviderAsync(string name, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Providers, new { name }, new($"create HSM key provider '{name}'", "hsmKeyProvider", Name: name), cancellationToken);

    public Task<PlatformOperation> ActivateAsync(string providerId, string cpoolId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Path(providerId) + "/activate", new { cpoolId }, Change($"activation on cpool {cpoolId}", providerId), cancellationToken);

    public Task<PlatformOperation> EncryptAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Path(providerId) + "/encrypt", new { virtualMachine }, Change($"encryption of VM {virtualMachine}", providerId), cancellationToken);

    public Task<PlatformOperation> DecryptAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Post, Path(providerId) + "/decrypt", new { virtualMachine }, Change($"decryption of VM {virtualMachine}", providerId), cancellationToken);

    public Task<PlatformOperation> DeleteProviderAsync(string providerId, CancellationToken cancellationToken = default) =>
        session.WriteAsync(HttpMethod.Delete, Path(providerId), null, Change("deletion", providerId), cancellationToken);

    public async Task<KeyProviderObservation> GetProviderAsync(string providerId, CancellationToken cancellationToken = default)
    {
        var view = await session.ItemAsync<KeyProviderView>(Providers, providerId, p => p.Id, cancellationToken).ConfigureAwait(false);
        return Observe(view);
    }

    public async Task<KeyProviderObservation?> FindProviderByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await session.FindAsync<KeyProviderView>(Providers, "hsmKeyProvider", name, p => p.Id, p => p.Name == name && p.State != ResourceState.Deleting, cancellationToken).ConfigureAwait(false);
        return found is null ? null : Observe(found);
    }

    private static KeyProviderObservation Observe(KeyProviderView view) =>
        new(view.Id, view.Name, view.KmipEndpoint, view.Zones, view.Hsm, view.Kms, view.ActiveCpoolIds ?? [], view.State, Views.Billing(view.Billing));

    public async Task<VmEncryptionObservation> GetEncryptionAsync(string providerId, string virtualMachine, CancellationToken cancellationToken = default)
    {
        var report = await session.GetAsync<EncryptionReportView>($"{Path(providerId)}/encryption/{Uri.EscapeDataString(virtualMachine)}", cancellationToken).ConfigureAwait(false);
        return new VmEncryptionObservation(report.VirtualMachine, report.State, report.Blockers ?? []);
    }

    private static string Path(string providerId) => $"{Providers}/{Uri.EscapeDataString(providerId)}";

    private static WriteIntent Change(string what, string providerId) => new($"{what} of HSM key provider {providerId}", "hsmKeyProvider", ResourceId: providerId);
}

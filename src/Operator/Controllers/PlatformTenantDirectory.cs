using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// Asks the platform, with the object's credentials, whose they are (G2) and which tenants share their organization (N3). The
/// webhook must answer quickly and must not block writes while the platform is away: after a short
/// timeout, or on any failure, it says it does not know, and the platform's own refusal applies.
/// </summary>
public sealed class PlatformTenantDirectory(IPlatformConnections connections, CredentialsResolver credentials) : ITenantDirectory
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    public Task<IReadOnlyList<string>?> OrganizationTenantsAsync(ICustomResource entity, CancellationToken cancellationToken) =>
        AskAsync<IReadOnlyList<string>>(entity, async (platform, token) => await platform.Network.GetOrganizationTenantsAsync(token).ConfigureAwait(false), cancellationToken);

    public Task<TenantIdentity?> RequesterAsync(ICustomResource entity, CancellationToken cancellationToken) =>
        AskAsync(entity, (platform, token) => platform.Backup.GetRequesterAsync(token), cancellationToken);

    private async Task<TAnswer?> AskAsync<TAnswer>(ICustomResource entity, Func<IPlatform, CancellationToken, Task<TAnswer?>> ask, CancellationToken cancellationToken)
        where TAnswer : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_timeout);
        try
        {
            var platform = connections.Connect(await credentials.ResolveAsync(entity, deadline.Token).ConfigureAwait(false));
            return await ask(platform, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PlatformException or CredentialsNotFoundException or HttpRequestException or OperationCanceledException or k8s.Autorest.HttpOperationException)
        {
            return null;
        }
    }
}

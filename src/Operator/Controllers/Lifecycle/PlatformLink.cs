using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// Connects an object to the platform of its credentials (resolved once per pass) and turns the
/// platform's answers that end a pass — no credentials, refused credentials, a refusal, a manual
/// order a driver still raises — into outcomes. Every other exception is a fault: the runtime
/// retries it with backoff and says so in the Synced condition.
/// </summary>
public sealed class PlatformLink<T>(IPlatformConnections connections, ICredentialsSource credentials)
    where T : class, ICustomResource
{
    /// <summary>The platform as the object's credentials see it.</summary>
    public async Task<IPlatform> ConnectAsync(T entity, CancellationToken cancellationToken) =>
        connections.Connect(await credentials.ResolveAsync(entity, cancellationToken).ConfigureAwait(false));

    /// <summary>Runs <paramref name="pass"/> on the object's platform; the platform's refusals become outcomes.</summary>
    public async Task<Outcome> GuardAsync(T entity, Func<IPlatform, Task<Outcome>> pass, CancellationToken cancellationToken)
    {
        try
        {
            return await pass(await ConnectAsync(entity, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (CredentialsNotFoundException e)
        {
            return Outcome.Stalled(Reasons.CredentialsNotFound, e.Message);
        }
        catch (Exception e) when (e is PlatformAuthenticationException or PlatformForbiddenException)
        {
            return Outcome.Stalled(Reasons.CredentialsRefused, $"The platform refused the credentials: {e.Message}");
        }
        catch (PlatformRefusedException e)
        {
            return Outcome.Stalled(Reasons.PlatformRefused, e.Message, warn: true);
        }
        catch (ManualOrderRequiredException e)
        {
            // A client that declares a capability its driver lacks: still nothing was sent.
            return Outcome.ManualOrder(e.Message);
        }
    }
}

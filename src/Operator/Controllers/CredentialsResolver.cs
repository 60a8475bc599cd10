using System.Net;
using System.Text;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using k8s;
using k8s.Autorest;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// Decides whose credentials an object is reconciled with (docs/api.md): the Secret named by
/// spec.credentialsSecretRef, else the Secret "cloudtemple-credentials" of the object's namespace,
/// else the operator's own. A Secret holds "id" and "secret" (a personal access token) and may hold
/// "url". Nothing read here is ever logged or written to status.
/// </summary>
public sealed class CredentialsResolver(IKubernetes client, PlatformCredentials? operatorCredentials, Uri? defaultBaseUrl)
{
    /// <summary>The namespace-wide Secret used when an object names none.</summary>
    public const string NamespaceSecret = "cloudtemple-credentials";

    /// <summary>The credentials for <paramref name="entity"/>.</summary>
    /// <exception cref="CredentialsNotFoundException">None apply, or a named Secret is missing or incomplete.</exception>
    public async Task<PlatformCredentials> ResolveAsync(ICustomResource entity, CancellationToken cancellationToken)
    {
        var ns = entity.Metadata.NamespaceProperty;
        var named = entity.CommonSpec.CredentialsSecretRef?.Name;
        var secretName = named ?? NamespaceSecret;
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(secretName, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            string? Value(string key) => secret.Data?.TryGetValue(key, out var bytes) == true ? Encoding.UTF8.GetString(bytes).Trim() : null;
            var (id, value) = (Value("id"), Value("secret"));
            if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(value))
            {
                throw new CredentialsNotFoundException($"Secret {ns}/{secretName} must hold the keys 'id' and 'secret' (a personal access token).");
            }

            var url = Value("url");
            if (url is not null && !Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                throw new CredentialsNotFoundException($"Secret {ns}/{secretName} has a 'url' that is not an absolute URL.");
            }

            return new PlatformCredentials(id, value, url is null ? defaultBaseUrl : new Uri(url));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            if (named is not null)
            {
                throw new CredentialsNotFoundException($"Secret {ns}/{named}, named by spec.credentialsSecretRef, does not exist.");
            }

            return operatorCredentials
                ?? throw new CredentialsNotFoundException(
                    $"No credentials: create the Secret {ns}/{NamespaceSecret} (keys id and secret), name one in spec.credentialsSecretRef, or give the operator its own.");
        }
    }
}

/// <summary>No credentials apply to an object; the message says what to create.</summary>
public sealed class CredentialsNotFoundException(string message) : Exception(message);

using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// Who may use which credentials, as the cluster admin decides it: the namespaces granted the
/// operator's own credentials (none by default; "*" grants every namespace), and the platform
/// addresses a namespace's Secret may name in its "url" key (none by default; https only).
/// </summary>
public sealed record CredentialsPolicy
{
    /// <summary>The label a Secret must carry, with the value "true", to be read as platform credentials.</summary>
    public const string Label = "iaas.cloud-temple.com/credentials";

    /// <summary>The entry of <see cref="OperatorCredentialsNamespaces"/> that grants every namespace.</summary>
    public const string EveryNamespace = "*";

    /// <summary>The namespaces that may fall back to the operator's own credentials.</summary>
    public IReadOnlyList<string> OperatorCredentialsNamespaces { get; init; } = [];

    /// <summary>The https base URLs a namespace's Secret may name instead of the operator's platform URL.</summary>
    public IReadOnlyList<Uri> AllowedUrls { get; init; } = [];

    /// <summary>Whether objects of <paramref name="namespaceName"/> may use the operator's own credentials.</summary>
    public bool GrantsOperatorCredentials(string namespaceName) =>
        OperatorCredentialsNamespaces.Any(n => n == EveryNamespace || n == namespaceName);

    /// <summary>Whether a Secret may send its token to <paramref name="url"/>.</summary>
    public bool AllowsUrl(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps && AllowedUrls.Any(allowed => SameAddress(allowed, url));

    /// <summary>Whether two base URLs name the same address (scheme, host, port and path; a trailing slash aside).</summary>
    public static bool SameAddress(Uri a, Uri b) =>
        a.GetLeftPart(UriPartial.Path).TrimEnd('/') == b.GetLeftPart(UriPartial.Path).TrimEnd('/');
}

/// <summary>
/// Decides whose credentials an object is reconciled with (docs/api.md): the Secret named by
/// spec.credentialsSecretRef, else the Secret "cloudtemple-credentials" of the object's namespace,
/// else the operator's own — only in the namespaces the <see cref="CredentialsPolicy"/> grants them.
/// A Secret is read only when it carries the label <see cref="CredentialsPolicy.Label"/>, so that an
/// object cannot make the operator read any other Secret of its namespace; it holds "id" and "secret"
/// (a personal access token) and may hold an allowed "url". Nothing read here is ever logged or
/// written to status.
/// </summary>
public sealed class CredentialsResolver(IKubernetes client, PlatformCredentials? operatorCredentials, Uri? defaultBaseUrl, CredentialsPolicy? policy = null)
    : ICredentialsSource
{
    /// <summary>The namespace-wide Secret used when an object names none.</summary>
    public const string NamespaceSecret = "cloudtemple-credentials";

    /// <summary>How long a Secret read serves every object of its namespace: a rotation is seen within it.</summary>
    public static readonly TimeSpan ReadFor = TimeSpan.FromSeconds(10);

    private readonly CredentialsPolicy _policy = policy ?? new CredentialsPolicy();
    private readonly ConcurrentDictionary<(string Namespace, string Name), SecretRead> _reads = new();

    /// <summary>The credentials for <paramref name="entity"/>.</summary>
    /// <exception cref="CredentialsNotFoundException">None apply, or a named Secret is missing, unmarked or incomplete.</exception>
    public async Task<PlatformCredentials> ResolveAsync(ICustomResource entity, CancellationToken cancellationToken)
    {
        var ns = entity.Metadata.NamespaceProperty;
        var named = entity.CommonSpec.CredentialsSecretRef?.Name;
        var secretName = named ?? NamespaceSecret;
        if (await ReadAsync(ns, secretName, cancellationToken).ConfigureAwait(false) is not { } secret)
        {
            if (named is not null)
            {
                throw new CredentialsNotFoundException($"Secret {ns}/{named}, named by spec.credentialsSecretRef, does not exist.");
            }

            return OperatorCredentialsFor(ns);
        }

        if (secret.Metadata?.Labels?.TryGetValue(CredentialsPolicy.Label, out var marked) != true || marked != "true")
        {
            // Its content is never read: the label is how a namespace says this Secret is meant for the platform.
            throw new CredentialsNotFoundException(
                $"Secret {ns}/{secretName} is not marked as platform credentials: label it {CredentialsPolicy.Label}=true to let the operator read it.");
        }

        string? Value(string key) => secret.Data?.TryGetValue(key, out var bytes) == true ? Encoding.UTF8.GetString(bytes).Trim() : null;
        var (id, value) = (Value("id"), Value("secret"));
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(value))
        {
            throw new CredentialsNotFoundException($"Secret {ns}/{secretName} must hold the keys 'id' and 'secret' (a personal access token).");
        }

        return new PlatformCredentials(id, value, Value("url") is { } url ? AllowedUrl(ns, secretName, url) : defaultBaseUrl);
    }

    // One read of a Secret serves every object of the namespace for a few seconds; concurrent
    // passes share it. A failed read is not kept.
    private async Task<V1Secret?> ReadAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var key = (ns, name);
        var now = DateTimeOffset.UtcNow;
        var read = _reads.AddOrUpdate(
            key,
            _ => new SecretRead(ReadSecretAsync(ns, name), now),
            (_, earlier) => now - earlier.At < ReadFor && !earlier.Task.IsFaulted && !earlier.Task.IsCanceled ? earlier : new SecretRead(ReadSecretAsync(ns, name), now));
        try
        {
            return await read.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _reads.TryRemove(KeyValuePair.Create(key, read));
            throw;
        }
    }

    private async Task<V1Secret?> ReadSecretAsync(string ns, string name)
    {
        try
        {
            // Shared by several passes: none of their cancellations stops it.
            return await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private sealed record SecretRead(Task<V1Secret?> Task, DateTimeOffset At);

    private PlatformCredentials OperatorCredentialsFor(string ns)
    {
        var hint = $"create the Secret {ns}/{NamespaceSecret} (keys id and secret, label {CredentialsPolicy.Label}=true) or name one in spec.credentialsSecretRef";
        if (operatorCredentials is null)
        {
            throw new CredentialsNotFoundException($"No credentials: {hint}; the operator has none of its own.");
        }

        return _policy.GrantsOperatorCredentials(ns)
            ? operatorCredentials
            : throw new CredentialsNotFoundException(
                $"No credentials: {hint}. The operator's own credentials serve only the namespaces the cluster admin grants them to (credentials.namespaces), and {ns} is not one of them.");
    }

    private Uri AllowedUrl(string ns, string secretName, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            throw new CredentialsNotFoundException($"Secret {ns}/{secretName} has a 'url' that is not an absolute URL.");
        }

        if (defaultBaseUrl is not null && CredentialsPolicy.SameAddress(parsed, defaultBaseUrl))
        {
            return defaultBaseUrl;
        }

        return _policy.AllowsUrl(parsed)
            ? parsed
            : throw new CredentialsNotFoundException(
                $"Secret {ns}/{secretName} names a platform 'url' the cluster admin has not allowed (platform.allowedUrls, https only): nothing was sent there. Remove the key to use the operator's platform.");
    }
}

/// <summary>Where the lifecycle takes an object's platform credentials from.</summary>
public interface ICredentialsSource
{
    /// <summary>The credentials for <paramref name="entity"/>.</summary>
    /// <exception cref="CredentialsNotFoundException">None apply; the message says what to create.</exception>
    Task<PlatformCredentials> ResolveAsync(ICustomResource entity, CancellationToken cancellationToken);
}

/// <summary>No credentials apply to an object; the message says what to create.</summary>
public sealed class CredentialsNotFoundException(string message) : Exception(message);

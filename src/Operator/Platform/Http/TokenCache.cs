using System.Net;
using System.Text;
using System.Text.Json;

namespace CloudTemple.Operator.Platform.Http;

/// <summary>
/// The access token of one session: exchanged for the personal access token (the answer's body is
/// the raw JWT), cached, and refreshed <see cref="PlatformOptions.TokenRefreshMargin"/> before its
/// <c>exp</c>, under one lock (the token route allows only 5 requests per second).
/// </summary>
/// <param name="options">The clock and the refresh margin.</param>
/// <param name="exchange">Sends the token exchange (with the credentials, through the resilience of reads: it changes nothing).</param>
internal sealed class TokenCache(PlatformOptions options, Func<CancellationToken, Task<HttpResponseMessage>> exchange) : IDisposable
{
    /// <summary>The token exchange route.</summary>
    public const string Route = "api/iam/v2/auth/personal_access_token";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile Cached? _cached;

    /// <summary>How many exchanges this cache made (observability and tests).</summary>
    public int Exchanges { get; private set; }

    /// <summary>A token valid for a while yet: the cached one, or a new one.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        if (cached is not null && options.Clock.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Token;
        }

        return await RefreshAsync(cached?.Token, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A new token, unless another caller already replaced <paramref name="stale"/> (one exchange for
    /// many callers that all saw the same 401).
    /// </summary>
    public async Task<string> RefreshAsync(string? stale, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var cached = _cached;
            if (cached is not null && !ReferenceEquals(cached.Token, stale) && options.Clock.GetUtcNow() < cached.RefreshAt)
            {
                return cached.Token;
            }

            var (token, expires) = await ExchangeAsync(cancellationToken).ConfigureAwait(false);
            var now = options.Clock.GetUtcNow();
            var lifetime = expires - now;
            var margin = lifetime > options.TokenRefreshMargin * 2 ? options.TokenRefreshMargin : lifetime / 2;
            _cached = new Cached(token, expires - margin);
            return token;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private sealed record Cached(string Token, DateTimeOffset RefreshAt);

    private async Task<(string Token, DateTimeOffset Expires)> ExchangeAsync(CancellationToken cancellationToken)
    {
        Exchanges++;
        using var response = await exchange(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
        {
            throw new PlatformAuthenticationException(
                $"The platform refused the personal access token (HTTP {(int)response.StatusCode}); check the credentials Secret");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new PlatformUnavailableException($"The token exchange failed with HTTP {(int)response.StatusCode}")
            {
                StatusCode = (int)response.StatusCode,
                RetryAfter = PlatformSession.RetryAfterOf(response),
            };
        }

        var body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
        if (body.StartsWith('"'))
        {
            body = JsonSerializer.Deserialize<string>(body) ?? string.Empty;
        }

        if (body.Length == 0)
        {
            throw new PlatformUnavailableException("The token exchange answered an empty token");
        }

        return (body, ExpiryOf(body) ?? options.Clock.GetUtcNow().AddMinutes(4));
    }

    /// <summary>The <c>exp</c> claim of a JWT, or null when it cannot be read.</summary>
    internal static DateTimeOffset? ExpiryOf(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var claims = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return claims.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Simulator.Model;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>Who a valid access token speaks for.</summary>
/// <param name="TenantId">The tenant (claim scope.id).</param>
/// <param name="UserId">The user (claim userId).</param>
public sealed record Caller(string TenantId, string UserId);

/// <summary>
/// Issues and checks the access tokens of the token exchange: HS256 JWTs signed with a key drawn at
/// random when the process starts (so a restart invalidates every token, and clients re-authenticate),
/// with the claims of the real API: exp, iat, userId, companyId and scope.id (the tenant).
/// </summary>
public sealed class TokenIssuer(TimeProvider clock, TimeSpan lifetime)
{
    private static readonly string Header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>A signed JWT for the token's tenant and user.</summary>
    public string Issue(PersonalAccessToken token, string companyId)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["exp"] = now + (long)lifetime.TotalSeconds,
            ["iat"] = now,
            ["userId"] = token.UserId,
            ["companyId"] = companyId,
            ["scope"] = new JsonObject { ["id"] = token.TenantId },
        };
        var body = $"{Header}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        return $"{body}.{Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body)))}";
    }

    /// <summary>The caller of a token with a valid signature that has not expired, or null.</summary>
    public Caller? Validate(string jwt)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts[0] != Header)
        {
            return null;
        }

        try
        {
            var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(parts[2])))
            {
                return null;
            }

            var claims = JsonNode.Parse(FromBase64Url(parts[1]))!.AsObject();
            var exp = claims["exp"]!.GetValue<long>();
            return clock.GetUtcNow().ToUnixTimeSeconds() >= exp
                ? null
                : new Caller(claims["scope"]!["id"]!.GetValue<string>(), claims["userId"]!.GetValue<string>());
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            return null;
        }
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}

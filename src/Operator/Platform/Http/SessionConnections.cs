using System.Collections.Concurrent;

namespace CloudTemple.Operator.Platform.Http;

/// <summary>
/// Connections that keep one <see cref="PlatformSession"/> per credentials (token, rate limits,
/// circuit breaker) for the life of this object: the same credentials always get the same session.
/// </summary>
/// <param name="options">How to reach and talk to the platform.</param>
public abstract class SessionConnections(PlatformOptions options) : IPlatformConnections, IDisposable
{
    private readonly ConcurrentDictionary<PlatformCredentials, Lazy<Connection>> _connections = new();
    private bool _disposed;

    /// <inheritdoc/>
    public IPlatform Connect(PlatformCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _connections.GetOrAdd(credentials, c => new Lazy<Connection>(() =>
        {
            var session = new PlatformSession(c, options);
            return new Connection(session, CreatePlatform(session));
        })).Value.Platform;
    }

    /// <summary>How many token exchanges the session of these credentials made (0 when it has none).</summary>
    public int TokenExchanges(PlatformCredentials credentials) =>
        _connections.TryGetValue(credentials, out var connection) && connection.IsValueCreated ? connection.Value.Session.TokenExchanges : 0;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The drivers over one session.</summary>
    internal abstract IPlatform CreatePlatform(PlatformSession session);

    /// <summary>Disposes the sessions.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        foreach (var connection in _connections.Values.Where(c => c.IsValueCreated))
        {
            connection.Value.Session.Dispose();
        }

        _connections.Clear();
    }

    private sealed record Connection(PlatformSession Session, IPlatform Platform);
}

using System.Security.Cryptography.X509Certificates;

namespace CloudTemple.Operator.Webhooks;

/// <summary>
/// A serving certificate managed outside the operator (cert-manager): tls.crt and tls.key in a
/// directory, re-read when the files change, so a renewal needs no restart. The CA bundle is then
/// injected by cert-manager's cainjector, not by the operator.
/// </summary>
public sealed class MountedCertificate(string directory, TimeProvider? time = null) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private X509Certificate2? _current;
    private DateTime _loadedFrom;
    private DateTimeOffset _checkedAt;

    /// <summary>The certificate to present now; re-read at most every 10 seconds when the files changed.</summary>
    public X509Certificate2 Current
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                if (_current is null || now - _checkedAt > TimeSpan.FromSeconds(10))
                {
                    _checkedAt = now;
                    var written = File.GetLastWriteTimeUtc(Path.Combine(directory, "tls.crt"));
                    if (_current is null || written != _loadedFrom)
                    {
                        var loaded = X509Certificate2.CreateFromPemFile(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"));
                        var usable = X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), password: null);
                        loaded.Dispose();
                        _current?.Dispose();
                        (_current, _loadedFrom) = (usable, written);
                    }
                }

                return _current;
            }
        }
    }

    public void Dispose() => _current?.Dispose();
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudTemple.Operator.Webhooks;

/// <summary>
/// The webhook's own TLS: a CA the operator creates, and a serving certificate signed by it for the
/// webhook Service's DNS names (and loopback). The serving certificate is renewed when two thirds of
/// its life have passed, the CA when less than a quarter of its life remains; the CA bundle then
/// holds both CAs, so the API server trusts the old and new serving certificates during the change.
/// </summary>
/// <remarks>
/// The first pair is made in the background, off the start-up's critical path: in a cold process the
/// keys, the signature, the PKCS#12 round trip and their JIT take a tenth of a second or more, which
/// the controllers need not wait for. <see cref="Ready"/> completes once it is made; until then
/// <see cref="Current"/> and <see cref="CaBundle"/> wait for it (the TLS handshake of a webhook call
/// that comes that early waits too, rather than failing), and nothing registers a CA bundle before it.
/// </remarks>
public sealed class WebhookCertificates : IDisposable
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<string> _dnsNames;
    private readonly TimeProvider _time;
    private readonly TimeSpan _caLifetime;
    private readonly TimeSpan _servingLifetime;
    private readonly Task _first;
    private X509Certificate2? _ca;
    private X509Certificate2? _previousCa;
    private X509Certificate2? _serving;

    public WebhookCertificates(IReadOnlyList<string> dnsNames, TimeProvider? time = null, TimeSpan? caLifetime = null, TimeSpan? servingLifetime = null)
    {
        _dnsNames = dnsNames;
        _time = time ?? TimeProvider.System;
        _caLifetime = caLifetime ?? TimeSpan.FromDays(365);
        _servingLifetime = servingLifetime ?? TimeSpan.FromDays(30);
        _first = Task.Run(() =>
        {
            var ca = NewCa();
            var serving = NewServing(ca);
            lock (_lock)
            {
                (_ca, _serving) = (ca, serving);
            }
        });
    }

    /// <summary>Completes once the first CA and serving certificate are made.</summary>
    public Task Ready => _first;

    /// <summary>Raised after a renewal, with the new CA bundle to inject.</summary>
    public event Action<string>? Renewed;

    /// <summary>The certificate to present now (Kestrel's ServerCertificateSelector).</summary>
    public X509Certificate2 Current
    {
        get
        {
            WaitForFirst();
            lock (_lock)
            {
                return _serving!;
            }
        }
    }

    /// <summary>The PEM bundle the API server trusts: the current CA, and the previous one during a rotation.</summary>
    public string CaBundle
    {
        get
        {
            WaitForFirst();
            lock (_lock)
            {
                var bundle = new StringBuilder(_ca!.ExportCertificatePem()).Append('\n');
                if (_previousCa is not null && _previousCa.NotAfter > _time.GetUtcNow().UtcDateTime)
                {
                    bundle.Append(_previousCa.ExportCertificatePem()).Append('\n');
                }

                return bundle.ToString();
            }
        }
    }

    /// <summary>Renews what is due; returns whether anything was renewed.</summary>
    public bool RenewIfDue()
    {
        string bundle;
        WaitForFirst();
        lock (_lock)
        {
            var now = _time.GetUtcNow().UtcDateTime;
            var renewCa = _ca!.NotAfter - now < _caLifetime / 4;
            var renewServing = renewCa || _serving!.NotAfter - now < _servingLifetime / 3;
            if (!renewServing)
            {
                return false;
            }

            if (renewCa)
            {
                _previousCa?.Dispose();
                _previousCa = _ca;
                _ca = NewCa();
            }

            var old = _serving;
            _serving = NewServing(_ca);
            old?.Dispose();
        }

        bundle = CaBundle;
        Renewed?.Invoke(bundle);
        return true;
    }

    /// <summary>Checks for renewal periodically until cancelled.</summary>
    public async Task RunRenewalAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            RenewIfDue();
        }
    }

    public void Dispose()
    {
        try
        {
            _first.Wait();
        }
        catch (AggregateException)
        {
            // Nothing was made: nothing to dispose of.
        }

        _ca?.Dispose();
        _previousCa?.Dispose();
        _serving?.Dispose();
    }

    private void WaitForFirst() => _first.GetAwaiter().GetResult();

    private X509Certificate2 NewCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=cloudtemple-operator webhook CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = _time.GetUtcNow();
        return request.CreateSelfSigned(now.AddMinutes(-5), now + _caLifetime);
    }

    private X509Certificate2 NewServing(X509Certificate2 ca)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(_dnsNames.Count > 0 ? _dnsNames[0] : "localhost")}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in _dnsNames)
        {
            names.AddDnsName(name);
        }

        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = _time.GetUtcNow();
        var notAfter = now + _servingLifetime < ca.NotAfter ? now + _servingLifetime : new DateTimeOffset(ca.NotAfter);
        using var signed = request.Create(ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        // Kestrel needs the private key with the certificate; a PFX round trip makes it usable on every platform.
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }
}

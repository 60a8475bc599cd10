using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>
/// Fresh key material for one control plane: a CA, an API server serving certificate for
/// 127.0.0.1 and localhost signed by it, and a service-account signing key. PEM files.
/// </summary>
internal sealed record Pki(string CaCertificate, string ServingCertificate, string ServingKey, string ServiceAccountKey)
{
    public static Pki Create(string directory)
    {
        Directory.CreateDirectory(directory);
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=cloudtemple-operator local CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now, now.AddDays(2));

        using var servingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var servingRequest = new CertificateRequest("CN=kube-apiserver", servingKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes.default.svc");
        servingRequest.CertificateExtensions.Add(names.Build());
        servingRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        servingRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        servingRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var serving = servingRequest.Create(ca, now, now.AddDays(1), serial);

        using var serviceAccountKey = RSA.Create(2048);

        var pki = new Pki(
            Path.Combine(directory, "ca.crt"),
            Path.Combine(directory, "apiserver.crt"),
            Path.Combine(directory, "apiserver.key"),
            Path.Combine(directory, "service-account.key"));
        File.WriteAllText(pki.CaCertificate, ca.ExportCertificatePem());
        File.WriteAllText(pki.ServingCertificate, serving.ExportCertificatePem());
        WritePrivate(pki.ServingKey, servingKey.ExportPkcs8PrivateKeyPem());
        WritePrivate(pki.ServiceAccountKey, serviceAccountKey.ExportPkcs8PrivateKeyPem());
        return pki;
    }

    private static void WritePrivate(string path, string pem)
    {
        File.WriteAllText(path, pem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using CloudTemple.Operator.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace CloudTemple.Operator.Tests.Webhooks;

public sealed class WebhookCertificatesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TheServingCertificate_IsSignedByTheCaInTheBundle_ForTheServiceNamesAndLoopback()
    {
        using var certificates = new WebhookCertificates(["cloudtemple-operator-webhook.ops.svc"], _time);

        var serving = certificates.Current;
        Assert.True(serving.HasPrivateKey);
        Assert.True(ChainsTo(serving, certificates.CaBundle));
        var names = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("cloudtemple-operator-webhook.ops.svc", names.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Loopback, names.EnumerateIPAddresses());
    }

    [Fact]
    public async Task TheFirstCertificate_IsMadeInTheBackground_AndReadyCompletesOnceItIs()
    {
        using var certificates = new WebhookCertificates(["svc"], _time);

        await certificates.Ready.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(certificates.Current.HasPrivateKey);
        Assert.True(ChainsTo(certificates.Current, certificates.CaBundle));
    }

    [Fact]
    public void TheServingCertificate_IsRenewedAfterTwoThirdsOfItsLife_AndTheNewBundleIsAnnounced()
    {
        using var certificates = new WebhookCertificates(["svc"], _time, servingLifetime: TimeSpan.FromDays(30));
        var first = certificates.Current.Thumbprint;
        string? announced = null;
        certificates.Renewed += bundle => announced = bundle;

        _time.Advance(TimeSpan.FromDays(19));
        Assert.False(certificates.RenewIfDue());
        _time.Advance(TimeSpan.FromDays(2));
        Assert.True(certificates.RenewIfDue());

        Assert.NotEqual(first, certificates.Current.Thumbprint);
        Assert.Equal(certificates.CaBundle, announced);
        Assert.True(ChainsTo(certificates.Current, certificates.CaBundle));
    }

    [Fact]
    public void WhenTheCaIsRenewed_TheBundleTrustsTheOldAndTheNewCa_DuringTheChange()
    {
        using var certificates = new WebhookCertificates(["svc"], _time, caLifetime: TimeSpan.FromDays(100), servingLifetime: TimeSpan.FromDays(30));
        var before = certificates.Current;
        var oldBundle = certificates.CaBundle;

        _time.Advance(TimeSpan.FromDays(80));
        Assert.True(certificates.RenewIfDue());

        var bundle = certificates.CaBundle;
        Assert.Equal(2, bundle.Split("BEGIN CERTIFICATE").Length - 1);
        Assert.Contains(oldBundle.Trim(), bundle, StringComparison.Ordinal);
        Assert.True(ChainsTo(certificates.Current, bundle));
    }

    private bool ChainsTo(X509Certificate2 certificate, string bundle)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(bundle);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        return chain.Build(certificate);
    }
}

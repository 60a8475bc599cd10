namespace CloudTemple.Operator.Webhooks;

/// <summary>Where the webhook runs and how the API server reaches it.</summary>
public sealed record WebhookOptions
{
    /// <summary>Name of the ValidatingWebhookConfiguration.</summary>
    public string ConfigurationName { get; init; } = "cloudtemple-operator";

    /// <summary>
    /// Local mode: the URL the API server calls (e.g. https://127.0.0.1:9443); the operator then writes
    /// the whole configuration and deletes it when it stops. Null in a cluster, where the installer
    /// creates the configuration and the operator injects its CA bundle.
    /// </summary>
    public string? Url { get; init; }

    /// <summary>DNS names of the serving certificate: the webhook Service's names in a cluster.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>A directory with tls.crt and tls.key managed by cert-manager; null: the operator makes its own.</summary>
    public string? CertificateDirectory { get; init; }

    /// <summary>How often the certificates are checked for renewal.</summary>
    public TimeSpan RenewalCheck { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>Registers the webhook with the API server and keeps its CA bundle current across certificate renewals.</summary>
public sealed partial class WebhookService(WebhookCertificates certificates, WebhookRegistration registration, WebhookOptions options, ILogger<WebhookService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The certificate is made in the background at start; the CA bundle is registered once it is.
        await certificates.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        await RegisterAsync(certificates.CaBundle, stoppingToken).ConfigureAwait(false);
        certificates.Renewed += bundle => _ = RegisterAsync(bundle, stoppingToken);
        try
        {
            await certificates.RunRenewalAsync(options.RenewalCheck, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (options.Url is not null)
        {
            // A fail-closed webhook that no longer answers would block every write of the six kinds.
            await registration.DeleteAsync(cancellationToken).ConfigureAwait(false);
            LogDeleted(options.ConfigurationName);
        }
    }

    private async Task RegisterAsync(string caBundle, CancellationToken cancellationToken)
    {
        try
        {
            if (options.Url is { } url)
            {
                await registration.ApplyAsync(WebhookRegistration.Build(options.ConfigurationName, url, caBundle), cancellationToken).ConfigureAwait(false);
                LogApplied(options.ConfigurationName, url);
            }
            else
            {
                await registration.InjectCaBundleAsync(caBundle, cancellationToken).ConfigureAwait(false);
                LogInjected(options.ConfigurationName);
            }
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException)
        {
            LogRegistrationFailed(e, options.ConfigurationName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ValidatingWebhookConfiguration {Name} points at {Url}")]
    private partial void LogApplied(string name, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "CA bundle injected into ValidatingWebhookConfiguration {Name}")]
    private partial void LogInjected(string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "ValidatingWebhookConfiguration {Name} deleted")]
    private partial void LogDeleted(string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not register the webhook in ValidatingWebhookConfiguration {Name}")]
    private partial void LogRegistrationFailed(Exception exception, string name);
}

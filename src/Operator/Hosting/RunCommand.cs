using System.CommandLine;
using CloudTemple.Operator.Controllers;
using System.Net;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;
using CloudTemple.Operator.Webhooks;
using k8s;
using Prometheus;

namespace CloudTemple.Operator.Hosting;

/// <summary>`cloudtemple-operator run`: the operator process. Every flag has an environment variable.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var kubeconfig = Option<string?>("--kubeconfig", "KUBECONFIG", null, "Kubeconfig to use; default: in-cluster configuration when running in a pod, else ~/.kube/config.");
        var namespaces = Option("--namespaces", "CLOUDTEMPLE_NAMESPACES", string.Empty, "Comma-separated namespaces to watch; empty watches every namespace.");
        var parallelism = Option("--parallelism", "CLOUDTEMPLE_PARALLELISM", "4", "Reconciles that may run at once per kind.");
        var resync = Option("--resync-period", "CLOUDTEMPLE_RESYNC_PERIOD", "10m", "How often each object is checked for drift when nothing changes (±10 % jitter), e.g. 10m.");
        var leaderElect = Option("--leader-elect", "CLOUDTEMPLE_LEADER_ELECT", "true", "Whether only the holder of the leader Lease reconciles (true or false).");
        var leaseNamespace = Option("--leader-election-namespace", "CLOUDTEMPLE_LEADER_ELECTION_NAMESPACE", Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default", "Namespace of the leader Lease.");
        var identity = Option("--identity", "POD_NAME", $"{Environment.MachineName}-{Environment.ProcessId}", "This replica's name in the leader Lease.");
        var metricsAddress = Option("--metrics-address", "CLOUDTEMPLE_METRICS_ADDRESS", ":8080", "Address of the Prometheus /metrics endpoint, e.g. :8080 or 127.0.0.1:8080.");
        var probeAddress = Option("--probe-address", "CLOUDTEMPLE_PROBE_ADDRESS", ":8081", "Address of the /healthz and /readyz endpoints.");
        var webhookAddress = Option("--webhook-address", "CLOUDTEMPLE_WEBHOOK_ADDRESS", ":9443", "Address of the validating webhook (TLS); 'off' disables it.");
        var webhookConfiguration = Option("--webhook-configuration", "CLOUDTEMPLE_WEBHOOK_CONFIGURATION", "cloudtemple-operator", "Name of the ValidatingWebhookConfiguration the operator keeps current.");
        var webhookUrl = Option<string?>("--webhook-url", "CLOUDTEMPLE_WEBHOOK_URL", null, "Local mode: the URL the API server calls the webhook at; the operator then writes the whole configuration. In a cluster leave it unset: the installer creates the configuration and the operator injects its CA.");
        var webhookCertDirectory = Option<string?>("--webhook-cert-dir", "CLOUDTEMPLE_WEBHOOK_CERT_DIR", null, "A directory with tls.crt and tls.key managed elsewhere (cert-manager); unset: the operator makes and renews its own certificate and injects its CA.");
        var platform = Option("--platform", "CLOUDTEMPLE_PLATFORM", PlatformSetup.Simulated, "The platform driver: simulated (the embedded default) or cloudtemple (the console API).");
        var platformUrl = Option<string?>("--platform-url", "CLOUDTEMPLE_PLATFORM_URL", null, "Base URL of the platform API; default: the simulator on loopback, or https://shiva.cloud-temple.com.");
        var credentialsNamespaces = Option("--operator-credentials-namespaces", "CLOUDTEMPLE_OPERATOR_CREDENTIALS_NAMESPACES", string.Empty, "Comma-separated namespaces that may use the operator's own credentials when they have no Secret of their own; '*' grants every namespace; empty: none.");
        var allowedUrls = Option("--platform-url-allow", "CLOUDTEMPLE_PLATFORM_URL_ALLOW", string.Empty, "Comma-separated https base URLs a namespace's credentials Secret may name in its 'url' key; empty: none (the operator's platform URL only).");
        var webhookService = Option("--webhook-service", "CLOUDTEMPLE_WEBHOOK_SERVICE", $"cloudtemple-operator-webhook.{Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default"}.svc", "DNS name of the webhook Service, for the serving certificate.");

        var command = new Command("run", "Run the operator: reconcile the cloudtemple kinds until stopped.")
        {
            kubeconfig, namespaces, parallelism, resync, leaderElect, leaseNamespace, identity, metricsAddress, probeAddress,
            webhookAddress, webhookConfiguration, webhookUrl, webhookService, webhookCertDirectory, platform, platformUrl,
            credentialsNamespaces, allowedUrls,
        };
        allowedUrls.Validators.Add(result =>
        {
            if (List(result.GetValueOrDefault<string>()).FirstOrDefault(u => !Uri.TryCreate(u, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps) is { } wrong)
            {
                result.AddError($"--platform-url-allow: '{wrong}' is not an absolute https URL.");
            }
        });
        platform.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not (PlatformSetup.Simulated or PlatformSetup.CloudTemple))
            {
                result.AddError("--platform must be simulated or cloudtemple.");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new RuntimeOptions
            {
                Namespaces = List(parse.GetValue(namespaces)),
                Parallelism = int.Parse(parse.GetValue(parallelism)!, System.Globalization.CultureInfo.InvariantCulture),
                ResyncPeriod = Durations.Parse(parse.GetValue(resync)!),
                LeaderElection = bool.Parse(parse.GetValue(leaderElect)!),
                LeaseNamespace = parse.GetValue(leaseNamespace)!,
                Identity = parse.GetValue(identity)!,
            };
            var service = parse.GetValue(webhookService)!;
            var webhook = parse.GetValue(webhookAddress) is "off" or "" ? null : new WebhookOptions
            {
                ConfigurationName = parse.GetValue(webhookConfiguration)!,
                Url = parse.GetValue(webhookUrl),
                DnsNames = [service, $"{service}.cluster.local"],
                CertificateDirectory = parse.GetValue(webhookCertDirectory),
            };
            var endpoints = new Endpoints(parse.GetValue(metricsAddress)!, parse.GetValue(probeAddress)!, webhook is null ? null : parse.GetValue(webhookAddress));
            var credentials = new CredentialsPolicy
            {
                OperatorCredentialsNamespaces = List(parse.GetValue(credentialsNamespaces)),
                AllowedUrls = [.. List(parse.GetValue(allowedUrls)).Select(u => new Uri(u))],
            };
            return RunAsync(parse.GetValue(kubeconfig), options with { Platform = parse.GetValue(platform)! }, endpoints, webhook, parse.GetValue(platformUrl), credentials, cancellationToken);
        });
        return command;
    }

    /// <summary>Hosts the runtime with JSON logs, graceful shutdown, probes, metrics and the validating webhook.</summary>
    public static async Task<int> RunAsync(
        string? kubeconfig, RuntimeOptions options, Endpoints endpoints, WebhookOptions? webhook, string? platformUrl, CredentialsPolicy credentials, CancellationToken cancellationToken)
    {
        // Made at once, on another thread: a kubeconfig is YAML, whose reader costs a cold process a
        // few hundred milliseconds of JIT, which the host's own start-up overlaps.
        var connecting = Task.Run(() => new Kubernetes(kubeconfig is null && KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)), cancellationToken);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        // Not four lines per request for every probe and scrape: ASP.NET Core's warnings and errors only.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Self-managed certificates are made in the background (WebhookCertificates.Ready): the
        // controllers do not wait for them, and a TLS handshake that comes before them waits in Current.
        using var certificates = webhook is null || webhook.CertificateDirectory is not null ? null : new WebhookCertificates(webhook.DnsNames);
        using var mounted = webhook?.CertificateDirectory is { } directory ? new MountedCertificate(directory) : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // No route reads more than an AdmissionReview (3 MiB); Kestrel's default would be 30 MB.
            kestrel.Limits.MaxRequestBodySize = WebhookEndpoints.MaxRequestBodyBytes;
            kestrel.Listen(endpoints.Metrics);
            if (endpoints.Probes.Port != endpoints.Metrics.Port)
            {
                kestrel.Listen(endpoints.Probes);
            }

            if (endpoints.Webhook is { } address && (certificates is not null || mounted is not null))
            {
                kestrel.Listen(address, listen => listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => mounted?.Current ?? certificates!.Current));
            }
        });

        var client = await connecting.ConfigureAwait(false);
        builder.Services.AddSingleton<IKubernetes>(client);
        var setup = new PlatformSetup(options.Platform, platformUrl is null ? null : new Uri(platformUrl), PlatformSetup.FromEnvironment(), credentials);
        var platformServices = PlatformServices.For(client, setup);
        builder.Services.AddSingleton(provider => ControllerRegistry.Register(
            new OperatorRuntime(client, options, provider.GetRequiredService<ILoggerFactory>()), client, platformServices));
        builder.Services.AddHostedService<RuntimeService>();
        if (webhook is not null && certificates is not null)
        {
            // Self-managed certificates: the operator keeps the configuration's CA bundle current.
            builder.Services.AddSingleton(certificates);
            builder.Services.AddSingleton(webhook);
            builder.Services.AddSingleton(new WebhookRegistration(client, webhook.ConfigurationName));
            builder.Services.AddHostedService<WebhookService>();
        }

        await using var app = builder.Build();
        var runtime = app.Services.GetRequiredService<OperatorRuntime>();
        app.MapGet("/healthz", () => Results.Text("ok")).RequireHost($"*:{endpoints.Probes.Port}");
        app.MapGet("/readyz", () => runtime.NotReady is { Count: > 0 } notReady
            ? Results.Text($"caches not synced:\n{string.Join('\n', notReady)}\n", statusCode: 503)
            : Results.Text("ok")).RequireHost($"*:{endpoints.Probes.Port}");
        app.MapMetrics("/metrics", runtime.Metrics.Registry).RequireHost($"*:{endpoints.Metrics.Port}");
        if (endpoints.Webhook is { } webhookEndpoint)
        {
            var tenants = new PlatformTenantDirectory(platformServices.Connections, platformServices.Credentials);
            foreach (var route in app.MapValidation(new ApiNamespaceView(client, options.Namespaces), tenants))
            {
                route.RequireHost($"*:{webhookEndpoint.Port}");
            }
        }

        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Where the operator listens: metrics, probes, and the webhook (null when off).</summary>
    internal sealed record Endpoints(IPEndPoint Metrics, IPEndPoint Probes, IPEndPoint? Webhook)
    {
        public Endpoints(string metrics, string probes, string? webhook)
            : this(Parse(metrics), Parse(probes), webhook is null ? null : Parse(webhook))
        {
        }

        // ":8080" listens on every interface; "127.0.0.1:8080" or "localhost:8080" on that one.
        private static IPEndPoint Parse(string address)
        {
            var colon = address.LastIndexOf(':');
            var host = address[..colon];
            var port = int.Parse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var ip = host.Length == 0 ? IPAddress.Any : host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
            return new IPEndPoint(ip, port);
        }
    }

    private static string[] List(string? commaSeparated) =>
        (commaSeparated ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Option<T> Option<T>(string name, string environmentVariable, T fallback, string description) => new(name)
    {
        Description = $"{description} [env: {environmentVariable}]",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } value ? (T)(object)value : fallback,
    };

    private static Option<string> Option(string name, string environmentVariable, string fallback, string description) =>
        Option<string>(name, environmentVariable, fallback, description);

    private sealed class RuntimeService(OperatorRuntime runtime) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => runtime.RunAsync(stoppingToken);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>
/// A real etcd and kube-apiserver on free loopback ports, with fresh certificates, a bearer token
/// for a cluster-admin user and a kubeconfig. Disposing stops both processes and deletes the state.
/// </summary>
public sealed class ControlPlane : IAsyncDisposable
{
    private static readonly TimeSpan s_startDeadline = TimeSpan.FromSeconds(90);

    private readonly ControlPlaneBinaries _binaries;
    private readonly string _directory;
    private readonly Pki _pki;
    private readonly string _token;
    private readonly int _etcdPort;
    private readonly int _etcdPeerPort;
    private ManagedProcess? _etcd;
    private ManagedProcess? _apiServer;

    private ControlPlane(ControlPlaneBinaries binaries, string directory)
    {
        _binaries = binaries;
        _directory = directory;
        _pki = Pki.Create(Path.Combine(directory, "pki"));
        _token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        _etcdPort = Ports.Free();
        _etcdPeerPort = Ports.Free();
        ApiServerPort = Ports.Free();
        Log = new ProcessLog(Path.Combine(directory, "control-plane.log"));
        KubeconfigPath = Path.Combine(directory, "kubeconfig");
    }

    /// <summary>The HTTPS port of the API server on 127.0.0.1.</summary>
    public int ApiServerPort { get; }

    /// <summary>The API server's address.</summary>
    public Uri Server => new($"https://127.0.0.1:{ApiServerPort}");

    /// <summary>A kubeconfig for a cluster-admin user (group system:masters) of this control plane.</summary>
    public string KubeconfigPath { get; }

    /// <summary>The output of etcd and the API server.</summary>
    public ProcessLog Log { get; }

    /// <summary>Starts etcd and the API server and waits until the API server is ready.</summary>
    /// <param name="directory">Where state, certificates, logs and the kubeconfig go; a new temporary directory if null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<ControlPlane> StartAsync(string? directory = null, CancellationToken cancellationToken = default)
    {
        var binaries = ControlPlaneBinaries.Locate();
        directory ??= Directory.CreateTempSubdirectory("cloudtemple-control-plane-").FullName;
        Directory.CreateDirectory(directory);
        var controlPlane = new ControlPlane(binaries, directory);
        try
        {
            controlPlane.WriteKubeconfig();
            File.WriteAllText(Path.Combine(directory, "tokens.csv"), $"{controlPlane._token},admin,admin,\"system:masters\"\n");
            await controlPlane.StartEtcdAsync(cancellationToken).ConfigureAwait(false);
            await controlPlane.StartApiServerAsync(cancellationToken).ConfigureAwait(false);
            return controlPlane;
        }
        catch
        {
            await controlPlane.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A client for the cluster-admin user.</summary>
    public IKubernetes CreateClient() =>
        new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));

    /// <summary>Starts the API server (again), on the same port and etcd, and waits until it is ready.</summary>
    public async Task StartApiServerAsync(CancellationToken cancellationToken = default)
    {
        if (_apiServer is { HasExited: false })
        {
            throw new InvalidOperationException("The API server is already running.");
        }

        var stopwatch = Stopwatch.StartNew();
        _apiServer = ManagedProcess.Start("kube-apiserver", _binaries.ApiServer,
        [
            $"--etcd-servers=http://127.0.0.1:{_etcdPort}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            $"--secure-port={ApiServerPort}",
            "--insecure-port=0",
            $"--cert-dir={Path.Combine(_directory, "apiserver-certs")}",
            $"--tls-cert-file={_pki.ServingCertificate}",
            $"--tls-private-key-file={_pki.ServingKey}",
            $"--token-auth-file={Path.Combine(_directory, "tokens.csv")}",
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            $"--service-account-key-file={_pki.ServiceAccountKey}",
            $"--service-account-signing-key-file={_pki.ServiceAccountKey}",
            "--service-cluster-ip-range=10.0.0.0/24",
            "--allow-privileged=true",
            "--v=1",
        ], Log);
        await WaitUntilReadyAsync(_apiServer, "kube-apiserver", cancellationToken).ConfigureAwait(false);
        Log.Append("control-plane", $"kube-apiserver ready at {Server} after {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Kills the API server process (SIGKILL); etcd keeps the state.</summary>
    public async Task StopApiServerAsync()
    {
        if (_apiServer is not null)
        {
            await _apiServer.DisposeAsync().ConfigureAwait(false);
            _apiServer = null;
        }
    }

    /// <summary>Stops both processes and deletes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopApiServerAsync().ConfigureAwait(false);
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync().ConfigureAwait(false);
            _etcd = null;
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory left behind is harmless.
        }
    }

    private async Task StartEtcdAsync(CancellationToken cancellationToken)
    {
        // etcd fsyncs on every write; a tmpfs data directory keeps a test run fast.
        var dataDirectory = Directory.Exists("/dev/shm")
            ? Directory.CreateTempSubdirectory("cloudtemple-etcd-").FullName
            : Path.Combine(_directory, "etcd");
        _etcd = ManagedProcess.Start("etcd", _binaries.Etcd,
        [
            "--name=default",
            $"--data-dir={dataDirectory}",
            $"--listen-client-urls=http://127.0.0.1:{_etcdPort}",
            $"--advertise-client-urls=http://127.0.0.1:{_etcdPort}",
            $"--listen-peer-urls=http://127.0.0.1:{_etcdPeerPort}",
            $"--initial-advertise-peer-urls=http://127.0.0.1:{_etcdPeerPort}",
            $"--initial-cluster=default=http://127.0.0.1:{_etcdPeerPort}",
            "--log-level=warn",
        ], Log);
        using var http = new HttpClient();
        await PollAsync(_etcd, "etcd", async () =>
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_etcdPort}/health"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitUntilReadyAsync(ManagedProcess process, string name, CancellationToken cancellationToken)
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(_pki.CaCertificate));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        using var http = new HttpClient(handler);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        await PollAsync(process, name, async () =>
        {
            using var response = await http.GetAsync(new Uri(Server, "/readyz"), cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }, cancellationToken).ConfigureAwait(false);
    }

    // Polls a readiness probe until it answers, the process dies, or the deadline passes.
    private async Task PollAsync(ManagedProcess process, string name, Func<Task<bool>> probe, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (process.HasExited)
            {
                throw new ControlPlaneException($"{name} exited with code {process.ExitCode} while starting.", Log);
            }

            try
            {
                if (await probe().ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > s_startDeadline)
            {
                throw new ControlPlaneException($"{name} was not ready after {s_startDeadline.TotalSeconds} s.", Log);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    private void WriteKubeconfig()
    {
        var ca = Convert.ToBase64String(File.ReadAllBytes(_pki.CaCertificate));
        File.WriteAllText(KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: local
              cluster:
                server: {Server}
                certificate-authority-data: {ca}
            users:
            - name: admin
              user:
                token: {_token}
            contexts:
            - name: local
              context:
                cluster: local
                user: admin
                namespace: default
            current-context: local

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(KubeconfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}

/// <summary>The control plane failed to start; the message carries the end of its log.</summary>
public sealed class ControlPlaneException(string message, ProcessLog log)
    : Exception($"{message}\nLast lines of {log.Path}:\n{string.Join('\n', log.Since(0, 40))}");

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>
/// Where <c>hack/control-plane.sh</c> caches the kube-apiserver it builds and the etcd it installs:
/// <c>$CT_CONTROL_PLANE_BIN</c> if set, else
/// <c>${CT_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/cloudtemple-operator/control-plane}/1.20.2/bin</c>.
/// </summary>
public sealed record ControlPlaneBinaries(string ApiServer, string Etcd)
{
    /// <summary>The Kubernetes version the script builds; keep in step with hack/control-plane.sh.</summary>
    public const string KubernetesVersion = "1.20.2";

    /// <summary>Finds the binaries, or explains how to get them.</summary>
    /// <exception cref="FileNotFoundException">They have not been provisioned.</exception>
    public static ControlPlaneBinaries Locate()
    {
        var directory = Environment.GetEnvironmentVariable("CT_CONTROL_PLANE_BIN") is { Length: > 0 } explicitBin
            ? explicitBin
            : Path.Combine(CacheRoot(), KubernetesVersion, "bin");
        var binaries = new ControlPlaneBinaries(Path.Combine(directory, "kube-apiserver"), Path.Combine(directory, "etcd"));
        foreach (var path in new[] { binaries.ApiServer, binaries.Etcd })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"{path} is missing. Provision the local control plane first: `hack/control-plane.sh` (`make test` and `make sandbox` run it).",
                    path);
            }
        }

        return binaries;
    }

    private static string CacheRoot()
    {
        if (Environment.GetEnvironmentVariable("CT_CONTROL_PLANE_CACHE") is { Length: > 0 } cache)
        {
            return cache;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x
            ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(xdg, "cloudtemple-operator", "control-plane");
    }
}

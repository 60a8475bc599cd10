using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.LocalControlPlane;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CloudTemple.Operator.Benchmarks;

/// <summary>
/// The peer scenario: the operator's memory per object beside client-go's sample-controller
/// (Kubernetes 1.20.2, built by hack/sample-controller.sh), on one fresh control plane, one after
/// the other. Each gets a first batch of objects (1,000), is left to settle, and its resident set
/// (VmRSS) is read; then the rest (to 5,000) and again. Memory per object is the difference over
/// the objects added. The sample-controller's objects are Foos, each with the Deployment it would
/// make (created by the bench, owned by the Foo, as the controller makes it: with client-go's
/// default 5 requests per second it would need minutes to create them); the operator's are the
/// bench's workload of the six kinds, paused (no platform call, a Paused condition written).
/// </summary>
internal static class PeerScenario
{
    public const string RatioName = "memory per object ratio (operator ÷ sample-controller)";
    private const string FooGroup = "samplecontroller.k8s.io";
    private const string FooVersion = "v1alpha1";
    private const string FooNamespace = "peer";

    private static void Say(string message) => Console.WriteLine($"[bench] peer: {message}");

    public static async Task RunAsync(BenchScenario.Settings s, Report report, string work, CancellationToken cancellationToken)
    {
        var total = s.PeerObjects;
        var first = Math.Min(1000, Math.Max(1, total / 5));
        var added = total - first;
        var (binary, crd, why) = await EnsureSampleControllerAsync(s.Repository, cancellationToken).ConfigureAwait(false);
        if (binary is null || crd is null || added <= 0)
        {
            why = added <= 0 ? $"--peer-objects {total} leaves nothing to add after the first {first}" : why;
            Say($"not measured: {why}");
            report.Add(new Figure("peer", RatioName, double.NaN, "x", "<= 1.5", false, $"not measured: {why}"));
            return;
        }

        Say($"starting the control plane and the simulated platform; {first} then {total} objects for each");
        await using var stack = await Stack.StartAsync(s.Repository, work, 1, [], cancellationToken).ConfigureAwait(false);
        (await stack.Kubectl.RunAsync("apply", "-f", crd).ConfigureAwait(false)).EnsureSuccess();
        (await stack.Kubectl.RunAsync("wait", "--for=condition=Established", "--timeout=60s", $"crd/foos.{FooGroup}").ConfigureAwait(false)).EnsureSuccess();
        (await stack.Kubectl.RunAsync("create", "namespace", FooNamespace).ConfigureAwait(false)).EnsureSuccess();

        // The sample-controller: Foos (and their Deployments) first, then the process, as the operator below.
        await CreateFoosAsync(stack.Client, 0, first, cancellationToken).ConfigureAwait(false);
        var log = new ProcessLog(Path.Combine(work, "sample-controller.log"));
        var controller = ManagedProcess.Start("sample-controller", binary, ["-kubeconfig", stack.ControlPlane.KubeconfigPath], log);
        (double Mib, double Seconds) sc1, sc5;
        try
        {
            if (!await WaitForLineAsync(log, "Started workers", TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false))
            {
                Say("the sample-controller did not log 'Started workers' within 2 minutes; measuring anyway");
            }

            sc1 = await SteadyResidentAsync(controller, cancellationToken).ConfigureAwait(false);
            Say($"sample-controller: VmRSS {sc1.Mib:F1} MiB with {first} Foos");
            await CreateFoosAsync(stack.Client, first, total, cancellationToken).ConfigureAwait(false);
            sc5 = await SteadyResidentAsync(controller, cancellationToken).ConfigureAwait(false);
            Say($"sample-controller: VmRSS {sc5.Mib:F1} MiB with {total} Foos");
        }
        finally
        {
            await controller.TerminateAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await controller.DisposeAsync().ConfigureAwait(false);
        }

        // The operator: paused objects of the six kinds.
        var workload = Workload.Objects(total).Select(Paused).ToList();
        await Workload.CreateAsync(stack.Client, Stack.Namespace, workload.Take(first), 16, cancellationToken).ConfigureAwait(false);
        var replica = stack.StartOperator("operator", BenchScenario.OperatorArguments(s), webhook: true);
        (double Mib, double Seconds) op1, op5;
        try
        {
            await ReconciledAsync(replica, first, cancellationToken).ConfigureAwait(false);
            await BenchScenario.SettledAsync(stack, replica, cancellationToken).ConfigureAwait(false);
            op1 = await SteadyResidentAsync(replica.Process, cancellationToken).ConfigureAwait(false);
            Say($"operator: VmRSS {op1.Mib:F1} MiB with {first} paused objects");
            var before = Measures.Sum(await Measures.ScrapeAsync(replica.MetricsUrl, cancellationToken).ConfigureAwait(false), "controller_runtime_reconcile_total");
            await Workload.CreateAsync(stack.Client, Stack.Namespace, workload.Skip(first), 16, cancellationToken).ConfigureAwait(false);
            await ReconciledAsync(replica, before + added, cancellationToken).ConfigureAwait(false);
            await BenchScenario.SettledAsync(stack, replica, cancellationToken).ConfigureAwait(false);
            op5 = await SteadyResidentAsync(replica.Process, cancellationToken).ConfigureAwait(false);
            Say($"operator: VmRSS {op5.Mib:F1} MiB with {total} paused objects");
        }
        finally
        {
            await replica.Process.TerminateAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            await replica.DisposeAsync().ConfigureAwait(false);
        }

        var scPerObject = (sc5.Mib - sc1.Mib) * 1024 / added;
        var opPerObject = (op5.Mib - op1.Mib) * 1024 / added;
        var ratio = opPerObject / scPerObject;
        var f = first.ToString("N0", CultureInfo.InvariantCulture);
        var t = total.ToString("N0", CultureInfo.InvariantCulture);
        report.Add(new Figure("peer", $"sample-controller VmRSS at {f} Foos", sc1.Mib, "MiB", Note: $"steady after {sc1.Seconds:F0} s"));
        report.Add(new Figure("peer", $"sample-controller VmRSS at {t} Foos", sc5.Mib, "MiB", Note: $"steady after {sc5.Seconds:F0} s"));
        report.Add(new Figure("peer", $"operator VmRSS at {f} objects", op1.Mib, "MiB", Note: $"paused objects; steady after {op1.Seconds:F0} s"));
        report.Add(new Figure("peer", $"operator VmRSS at {t} objects", op5.Mib, "MiB", Note: $"paused objects; steady after {op5.Seconds:F0} s"));
        report.Add(new Figure("peer", "sample-controller memory per object", scPerObject, "KiB",
            Note: $"(VmRSS at {t} - at {f}) / {added:N0}; per Foo, its informers holding the Foo and its Deployment; client-go 1.20.2 built with {GoVersion(binary)}, GOGC default"));
        report.Add(new Figure("peer", "operator memory per object", opPerObject, "KiB",
            Note: $"(VmRSS at {t} - at {f}) / {added:N0}; paused objects of the six kinds, workstation GC"));
        report.Add(new Figure("peer", RatioName, ratio, "x", "<= 1.5", double.IsFinite(ratio) && scPerObject > 0 && ratio <= 1.5,
            $"{opPerObject:F2} KiB ÷ {scPerObject:F2} KiB per object"));
        report.Detail("peer", new JsonObject
        {
            ["first"] = first, ["total"] = total,
            ["sampleControllerResidentMiB"] = new JsonArray(Math.Round(sc1.Mib, 2), Math.Round(sc5.Mib, 2)),
            ["operatorResidentMiB"] = new JsonArray(Math.Round(op1.Mib, 2), Math.Round(op5.Mib, 2)),
            ["sampleControllerKiBPerObject"] = Math.Round(scPerObject, 3), ["operatorKiBPerObject"] = Math.Round(opPerObject, 3),
        });
    }

    private static WorkloadObject Paused(WorkloadObject o)
    {
        var body = o.Body.DeepClone().AsObject();
        body["metadata"]!["annotations"] = new JsonObject { [ApiGroup.PausedAnnotation] = "true" };
        return o with { Body = body };
    }

    /// <summary>Runs hack/sample-controller.sh ensure (its output on the console), then asks it for the binary and the CRD; a reason instead when it fails.</summary>
    private static async Task<(string? Binary, string? Crd, string Why)> EnsureSampleControllerAsync(string repository, CancellationToken cancellationToken)
    {
        var script = Path.Combine(repository, "hack", "sample-controller.sh");
        if (!File.Exists(script))
        {
            return (null, null, $"{script} not found");
        }

        Say("hack/sample-controller.sh ensure (builds it once per machine, a few minutes)");
        var (ensure, _) = await RunAsync(script, "ensure", capture: false, cancellationToken).ConfigureAwait(false);
        if (ensure != 0)
        {
            return (null, null, $"hack/sample-controller.sh ensure failed (exit {ensure}); its log is sample-controller.log in the control plane's cache directory");
        }

        var (pathCode, binary) = await RunAsync(script, "path", capture: true, cancellationToken).ConfigureAwait(false);
        var (crdCode, crd) = await RunAsync(script, "crd", capture: true, cancellationToken).ConfigureAwait(false);
        return pathCode == 0 && crdCode == 0 && File.Exists(binary) && File.Exists(crd)
            ? (binary, crd, string.Empty)
            : (null, null, "hack/sample-controller.sh path gave no binary");
    }

    private static async Task<(int Code, string Output)> RunAsync(string script, string verb, bool capture, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = capture, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(verb);
        using var process = Process.Start(info)!;
        var output = capture ? await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : string.Empty;
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, output.Trim());
    }

    private static string GoVersion(string binary)
    {
        var stamp = Path.Combine(Path.GetDirectoryName(binary)!, "SAMPLE-CONTROLLER");
        return File.Exists(stamp)
            ? File.ReadLines(stamp).FirstOrDefault(l => l.StartsWith("go=", StringComparison.Ordinal))?[3..] ?? "?"
            : "?";
    }

    /// <summary>Creates Foos [from, to) in the peer namespace, each with the Deployment the sample-controller would make for it, 16 at a time.</summary>
    private static Task CreateFoosAsync(IKubernetes client, int from, int to, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"foo-{i:D5}");
            var foo = new JsonObject
            {
                ["apiVersion"] = $"{FooGroup}/{FooVersion}",
                ["kind"] = "Foo",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["spec"] = new JsonObject { ["deploymentName"] = name, ["replicas"] = 1 },
            };
            var created = await RetryAsync(async () =>
            {
                try
                {
                    return await client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonObject>(foo.DeepClone(), FooGroup, FooVersion, FooNamespace, "foos", cancellationToken: ct).ConfigureAwait(false);
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    // Created by an earlier attempt whose answer was lost.
                    return await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(FooGroup, FooVersion, FooNamespace, "foos", name, ct).ConfigureAwait(false);
                }
            }, ct).ConfigureAwait(false);
            var uid = (string)created["metadata"]!["uid"]!;
            await RetryAsync(async () =>
            {
                try
                {
                    return await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(name, uid), FooNamespace, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    return null; // The controller made it first (or an earlier attempt did).
                }
            }, ct).ConfigureAwait(false);
        });

    /// <summary>What the sample-controller's newDeployment makes for a Foo (controller.go, 1.20.2).</summary>
    private static V1Deployment Deployment(string name, string uid)
    {
        var labels = new Dictionary<string, string> { ["app"] = "nginx", ["controller"] = name };
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = FooNamespace,
                OwnerReferences = [new V1OwnerReference { ApiVersion = $"{FooGroup}/{FooVersion}", Kind = "Foo", Name = name, Uid = uid, Controller = true, BlockOwnerDeletion = true }],
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "nginx", Image = "nginx:latest" }] },
                },
            },
        };
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action().ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < 30 && e is HttpRequestException or HttpOperationException { Response.StatusCode: >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests })
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> WaitForLineAsync(ProcessLog log, string text, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var offset = 0;
        while (clock.Elapsed < deadline)
        {
            var count = log.Count;
            if (log.Since(offset, int.MaxValue).Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }

            offset = count;
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>Waits (10 min at most) until the operator's reconcile counter reaches <paramref name="reconciles"/>: every object has had its pass.</summary>
    private static async Task ReconciledAsync(OperatorReplica replica, double reconciles, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var metrics = await Measures.ScrapeAsync(replica.MetricsUrl, cancellationToken).ConfigureAwait(false);
            if (Measures.Sum(metrics, "controller_runtime_reconcile_total") >= reconciles)
            {
                return;
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }

        Say($"the operator did not reach {reconciles} reconciles within 10 minutes; measuring anyway");
    }

    /// <summary>
    /// The resident set (VmRSS, MiB) once it holds still: at least 10 s after the call, then sampled every
    /// 2 s until three samples in a row lie within 1 % (their mean), or 2 minutes (the last three's mean).
    /// </summary>
    private static async Task<(double Mib, double Seconds)> SteadyResidentAsync(ManagedProcess process, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        var samples = new List<double>();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"pid {process.Id} exited (code {process.ExitCode}) during the peer scenario");
            }

            samples.Add(Measures.Process(process.Id).ResidentMiB);
            var last = samples.TakeLast(3).ToList();
            if ((last.Count == 3 && last.Max() - last.Min() <= 0.01 * last.Max()) || clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                return (last.Average(), clock.Elapsed.TotalSeconds);
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
    }
}

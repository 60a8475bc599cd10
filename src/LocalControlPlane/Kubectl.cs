using System.Diagnostics;
using System.Text;

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>The outcome of one kubectl command.</summary>
/// <param name="Arguments">What was run, for messages.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything kubectl printed on standard output.</param>
/// <param name="StandardError">Everything kubectl printed on standard error.</param>
public sealed record KubectlResult(string Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Whether kubectl exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws unless kubectl succeeded; returns this result.</summary>
    public KubectlResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"kubectl {Arguments} exited with {ExitCode}:\n{StandardError}{StandardOutput}");

    /// <inheritdoc />
    public override string ToString() => $"$ kubectl {Arguments}\n{StandardOutput}{StandardError}(exit {ExitCode})";
}

/// <summary>Runs the machine's real kubectl against a kubeconfig, as a user would.</summary>
public sealed class Kubectl(string kubeconfigPath)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    /// <summary>Every command run so far, with its output: a transcript for test logs.</summary>
    public event Action<KubectlResult>? Ran;

    /// <summary>Runs <c>kubectl</c> with the arguments and, if given, text on standard input.</summary>
    public async Task<KubectlResult> RunAsync(IEnumerable<string> arguments, string? standardInput = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["KUBECONFIG"] = kubeconfigPath;
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_timeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(new StringBuilder(standardInput), timeout.Token).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', info.ArgumentList)} did not finish within {s_timeout.TotalSeconds} s.");
        }

        var result = new KubectlResult(string.Join(' ', info.ArgumentList), process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        Ran?.Invoke(result);
        return result;
    }

    /// <summary>Runs <c>kubectl</c> with the arguments.</summary>
    public Task<KubectlResult> RunAsync(params string[] arguments) => RunAsync(arguments, null);
}

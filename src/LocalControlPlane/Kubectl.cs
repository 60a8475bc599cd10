namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>Runs the machine's real kubectl against a kubeconfig, as a user would.</summary>
public sealed class Kubectl(string kubeconfigPath)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    /// <summary>Every command run so far, with its output: a transcript for test logs.</summary>
    public event Action<CommandResult>? Ran;

    /// <summary>Runs <c>kubectl</c> with the arguments and, if given, text on standard input.</summary>
    public async Task<CommandResult> RunAsync(IEnumerable<string> arguments, string? standardInput = null, CancellationToken cancellationToken = default)
    {
        var result = await CommandLine.RunAsync("kubectl", arguments, s_timeout,
            new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfigPath }, standardInput, cancellationToken).ConfigureAwait(false);
        Ran?.Invoke(result);
        return result;
    }

    /// <summary>Runs <c>kubectl</c> with the arguments.</summary>
    public Task<CommandResult> RunAsync(params string[] arguments) => RunAsync(arguments, null);
}

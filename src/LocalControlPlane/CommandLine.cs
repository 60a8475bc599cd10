using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>The outcome of one command.</summary>
/// <param name="Command">What was run, for messages.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">Everything it printed on standard output.</param>
/// <param name="StandardError">Everything it printed on standard error.</param>
public sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Whether it exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Both outputs, for assertions that do not care which.</summary>
    public string Output => StandardOutput + StandardError;

    /// <summary>Throws unless the command succeeded; returns this result.</summary>
    public CommandResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"{Command} exited with {ExitCode}:\n{StandardError}{StandardOutput}");

    /// <inheritdoc />
    public override string ToString() => $"$ {Command}\n{StandardOutput}{StandardError}(exit {ExitCode})";
}

/// <summary>Runs a program to its end with a deadline, capturing what it prints.</summary>
public static class CommandLine
{
    /// <summary>Runs <paramref name="fileName"/> with the arguments, the environment additions and, if given, text on standard input.</summary>
    public static async Task<CommandResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var command = $"{Path.GetFileName(fileName)} {string.Join(' ', info.ArgumentList)}";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var error = process.StandardError.ReadToEndAsync(deadline.Token);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(new StringBuilder(standardInput), deadline.Token).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {timeout.TotalSeconds} s.");
        }

        return new CommandResult(command, process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }
}

/// <summary>Free TCP ports on loopback.</summary>
public static class Ports
{
    // Every port handed out by this process. The system may give the port it just released again
    // (it did: etcd and kube-apiserver were once told the same port and the API server could not
    // bind), so a port is never handed out twice: the one asked for next may not be listening yet.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, bool> s_handedOut = new();

    /// <summary>A port nothing listens on now (the system's choice, released at once), never one this process was given before.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (s_handedOut.TryAdd(port, true))
            {
                return port;
            }
        }

        throw new InvalidOperationException("The system keeps giving ports this process was already given.");
    }
}

using System.Diagnostics;

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>A child process whose output is kept, line by line, in a log that callers can read from any offset.</summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessLog _log;

    private ManagedProcess(Process process, ProcessLog log)
    {
        _process = process;
        _log = log;
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The process id, e.g. for /proc accounting.</summary>
    public int Id => _process.Id;

    /// <summary>When the process started (local time, as the system records it).</summary>
    public DateTime StartTime => _process.StartTime;

    /// <summary>Its exit code, once ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Asks the process to stop as Kubernetes asks a pod (SIGTERM) and waits up to <paramref name="grace"/>, then kills it.</summary>
    public async Task TerminateAsync(TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", $"-TERM {_process.Id}");
            await term.WaitForExitAsync().ConfigureAwait(false);
            using var deadline = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Past its grace period: killed below.
            }
        }

        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>Starts <paramref name="fileName"/>; its output goes to <paramref name="log"/>, each line prefixed with <paramref name="name"/>.</summary>
    public static ManagedProcess Start(string name, string fileName, IEnumerable<string> arguments, ProcessLog log, IReadOnlyDictionary<string, string>? environment = null)
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

        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => log.Append(name, e.Data);
        process.ErrorDataReceived += (_, e) => log.Append(name, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{fileName} did not start.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.Append(name, $"started pid {process.Id}: {fileName} {string.Join(' ', arguments)}");
        return new ManagedProcess(process, log);
    }

    /// <summary>Stops the process: SIGKILL, as a crash would; the state it keeps on disk is what survives.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        _log.Append("control-plane", $"pid {_process.Id} stopped");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}

/// <summary>The interleaved output of the control plane's processes, kept in memory and in a file.</summary>
public sealed class ProcessLog(string path)
{
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    /// <summary>The file the lines are also written to.</summary>
    public string Path { get; } = path;

    /// <summary>Number of lines so far: an offset for <see cref="Since"/>.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>The lines written after <paramref name="offset"/>, at most <paramref name="max"/> of the last ones.</summary>
    public IReadOnlyList<string> Since(int offset, int max = 400)
    {
        lock (_lock)
        {
            var start = Math.Max(offset, _lines.Count - max);
            return _lines.Skip(start).ToList();
        }
    }

    internal void Append(string source, string? line)
    {
        if (line is null)
        {
            return;
        }

        var text = $"[{source}] {line}";
        lock (_lock)
        {
            _lines.Add(text);
            File.AppendAllText(Path, text + "\n");
        }
    }
}

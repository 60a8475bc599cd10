using System.Diagnostics;

namespace CloudTemple.Operator.LocalControlPlane;

/// <summary>A child process whose output is kept, line by line, in a log that callers can read from any offset.</summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessLog _log;

    private ManagedProcess(Process process, ProcessLog log)
    {
        _process = process;
        _log = log;
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ManagedProcess Start(string name, string fileName, IEnumerable<string> arguments, ProcessLog log)
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

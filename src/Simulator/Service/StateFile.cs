using System.Text.Json;
using System.Text.Json.Serialization;
using CloudTemple.Operator.Simulator.Model;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>
/// The --state file: the whole platform as JSON, written atomically (a temporary file beside it,
/// then a rename over it) at most <see cref="ServiceOptions.SaveDelay"/> after each change, and once
/// more when the service stops.
/// </summary>
public sealed class StateFile(string path, SimulatedPlatform platform, TimeSpan delay, ILogger<StateFile> logger) : BackgroundService
{
    /// <summary>How the snapshot is written: camelCase, enums by name.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private long _saved = -1;

    /// <summary>The snapshot in a state file, or null when there is none.</summary>
    public static PlatformSnapshot? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<PlatformSnapshot>(stream, Json) ?? throw new InvalidDataException($"State file '{path}' is empty.");
    }

    /// <summary>Writes the platform now if it changed since the last write.</summary>
    public void SaveIfChanged()
    {
        var version = platform.Version;
        if (version == Interlocked.Read(ref _saved))
        {
            return;
        }

        var snapshot = platform.Export();
        var full = Path.GetFullPath(path);
        var temporary = $"{full}.{Environment.ProcessId}.tmp";
        using (var stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, snapshot, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, full, overwrite: true);
        Interlocked.Exchange(ref _saved, version);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(delay > TimeSpan.Zero ? delay : TimeSpan.FromMilliseconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Save();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the final save is in StopAsync.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        Save();
    }

    private void Save()
    {
        try
        {
            SaveIfChanged();
        }
        catch (IOException e)
        {
            logger.LogError(e, "Could not write the state file {Path}", path);
        }
    }
}

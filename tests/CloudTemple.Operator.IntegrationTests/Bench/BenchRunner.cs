using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Bench;

/// <summary>Runs <c>cloudtemple-bench</c> as <c>make bench</c> and <c>make chaos</c> do, with a deadline, and reads the JSON it writes.</summary>
internal static class BenchRunner
{
    public sealed record Outcome(int ExitCode, string Output, JsonNode Json, string[] Files)
    {
        /// <summary>The figure of that name, e.g. "objects Ready".</summary>
        public JsonNode Figure(string name) =>
            Json["figures"]!.AsArray().FirstOrDefault(f => (string?)f!["name"] == name) ?? throw new InvalidOperationException($"No figure '{name}' in:\n{Output}");
    }

    public static async Task<Outcome> RunAsync(ITestOutputHelper output, TimeSpan deadline, params string[] arguments)
    {
        var results = Directory.CreateTempSubdirectory("cloudtemple-bench-smoke-").FullName;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "cloudtemple-bench.dll") }
            .Concat(arguments).Concat(["--repository", RepositoryPaths.Root, "--results", results]))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cloudtemple-bench {string.Join(' ', arguments)} did not end within {deadline.TotalSeconds} s:\n{await stdout}{await stderr}");
        }

        var text = await stdout + await stderr;
        output.WriteLine(text);
        var files = Directory.GetFiles(results);
        var json = files.FirstOrDefault(f => f.EndsWith(".json", StringComparison.Ordinal));
        Assert.True(json is not null, $"no JSON file written:\n{text}");
        return new Outcome(process.ExitCode, text, JsonNode.Parse(await File.ReadAllTextAsync(json))!, files);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudTemple.Operator.IntegrationTests.GitOps;

/// <summary>Runs config/argocd/health.lua with Debian's Lua 5.1 (Argo CD's dialect) on an object, as Argo CD does.</summary>
public static class ArgoCdHealth
{
    public static async Task<(string Status, string Message)> EvaluateAsync(JsonObject resource)
    {
        var directory = Directory.CreateTempSubdirectory("argocd-health-").FullName;
        try
        {
            var objectFile = Path.Combine(directory, "obj.lua");
            var driver = Path.Combine(directory, "driver.lua");
            await File.WriteAllTextAsync(objectFile, "obj = " + ToLua(resource) + "\n");
            await File.WriteAllTextAsync(driver, $"""
                dofile("{objectFile}")
                local hs = dofile("{RepositoryPaths.Combine("config", "argocd", "health.lua")}")
                print(hs.status)
                print(hs.message or "")
                """);
            var info = new ProcessStartInfo("lua5.1", driver) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var lua = Process.Start(info) ?? throw new InvalidOperationException("lua5.1 did not start: run hack/tools.sh.");
            var output = await lua.StandardOutput.ReadToEndAsync();
            var error = await lua.StandardError.ReadToEndAsync();
            await lua.WaitForExitAsync();
            if (lua.ExitCode != 0)
            {
                throw new InvalidOperationException($"health.lua failed: {error}");
            }

            var lines = output.Split('\n');
            return (lines[0].Trim(), lines.Length > 1 ? lines[1].Trim() : string.Empty);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // JSON as a Lua table constructor; null members are left out, as Argo CD's conversion does.
    private static string ToLua(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(", ", o.Where(kv => kv.Value is not null).Select(kv => $"[{Quote(kv.Key)}] = {ToLua(kv.Value)}")) + "}",
        JsonArray a => "{" + string.Join(", ", a.Select(ToLua)) + "}",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Quote(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        JsonValue v => v.GetValue<double>().ToString(CultureInfo.InvariantCulture),
        _ => "nil",
    };

    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}

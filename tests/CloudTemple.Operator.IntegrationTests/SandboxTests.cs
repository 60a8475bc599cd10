using System.Diagnostics;

namespace CloudTemple.Operator.IntegrationTests;

/// <summary>
/// `make sandbox`, the README's first command, does its job: it is run here as the user runs it,
/// once — a control plane, the simulated platform and the operator with its webhook, and the sample
/// tenant accepted through the webhook.
/// </summary>
public sealed class SandboxTests
{
    [Fact]
    public async Task TheSandbox_StartsAControlPlane_AppliesTheSamples_AndPrintsTheTable()
    {
        var state = Directory.CreateTempSubdirectory("cloudtemple-sandbox-test-").FullName;
        var sandbox = Path.Combine(AppContext.BaseDirectory, "cloudtemple-sandbox.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { sandbox, "--repository", RepositoryPaths.Root, "--state", state, "--once", "--settle-seconds", "120" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(deadline.Token);
        var text = await output + await error;

        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("[sandbox] starting the simulated platform", text, StringComparison.Ordinal);
        Assert.Contains("[sandbox] starting the operator with its validating webhook", text, StringComparison.Ordinal);
        Assert.Contains("[sandbox] 8/8 Ready after", text, StringComparison.Ordinal);
        Assert.Contains("[sandbox] every object is Ready", text, StringComparison.Ordinal);
        Assert.Contains($"export KUBECONFIG={Path.Combine(state, "kubeconfig")}", text, StringComparison.Ordinal);
        foreach (var row in new[]
        {
            "cpool.iaas.cloud-temple.com/prod-par7s", "cpool.iaas.cloud-temple.com/dr-th3s",
            "blockvolume.iaas.cloud-temple.com/prod-data", "vlan.iaas.cloud-temple.com/app-network",
            "backuppolicy.iaas.cloud-temple.com/daily-30d", "vmreplication.iaas.cloud-temple.com/app-01-to-th3s",
            "hsmkeyprovider.iaas.cloud-temple.com/payments-kms",
        })
        {
            Assert.Contains(row, text, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(state, "pki")), "the sandbox left its control plane's state behind");
    }
}

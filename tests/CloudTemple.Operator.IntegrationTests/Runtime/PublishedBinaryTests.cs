using System.Diagnostics;
using System.Net;
using CloudTemple.Operator.IntegrationTests.Harness;
using CloudTemple.Operator.LocalControlPlane;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Runtime;

/// <summary>
/// No container engine exists here to build the image; the binary the Dockerfile publishes is
/// published and run the same way instead (Release, the image's entry point and environment).
/// </summary>
public sealed class PublishedBinaryTests(ControlPlaneFixture fixture, ITestOutputHelper output) : RuntimeTestBase(fixture, output)
{
    [Fact]
    public async Task ThePublishedBinary_Starts_AndServesHealthz()
    {
        var publish = Directory.CreateTempSubdirectory("cloudtemple-publish-").FullName;
        try
        {
            var published = await CommandLine.RunAsync("dotnet", ["publish", RepositoryPaths.Combine("src", "Operator", "CloudTemple.Operator.csproj"), "-c", "Release", "-o", publish], TimeSpan.FromMinutes(5));
            Assert.True(published.Succeeded, published.ToString());
            Assert.True(File.Exists(Path.Combine(publish, "cloudtemple-operator")), "the image's entry point ./cloudtemple-operator was not published");
            Assert.Empty(Directory.GetFiles(publish, "*.pdb"));

            var probePort = Ports.Free();
            var info = new ProcessStartInfo(Path.Combine(publish, "cloudtemple-operator")) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = publish };
            foreach (var argument in new[] { "run", "--kubeconfig", Fixture.ControlPlane.KubeconfigPath, "--namespaces", Namespace, "--leader-elect", "false",
                "--metrics-address", $"127.0.0.1:{Ports.Free()}", "--probe-address", $"127.0.0.1:{probePort}", "--webhook-address", "off" })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["DOTNET_EnableDiagnostics"] = "0";
            using var process = Process.Start(info)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                var status = await Eventually.UntilAsync(async () =>
                {
                    try
                    {
                        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{probePort}/healthz"));
                        return response.StatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return HttpStatusCode.ServiceUnavailable;
                    }
                }, s => s == HttpStatusCode.OK, Deadline, "the published binary to serve /healthz");
                Assert.Equal(HttpStatusCode.OK, status);
            }
            finally
            {
                process.Kill(entireProcessTree: true);
            }
        }
        finally
        {
            Directory.Delete(publish, recursive: true);
        }
    }
}

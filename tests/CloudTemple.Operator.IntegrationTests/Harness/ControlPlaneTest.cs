using System.Security.Cryptography;
using CloudTemple.Operator.LocalControlPlane;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace CloudTemple.Operator.IntegrationTests.Harness;

/// <summary>
/// Base of the tests that talk to the real API server. Each test gets its own namespace, a
/// kubectl whose commands are written to the test's output, and, in the output too, the lines
/// the control plane logged during the test: xunit shows that output when the test fails.
/// </summary>
[Collection(ControlPlaneTests.Name)]
public abstract class ControlPlaneTest : IAsyncLifetime
{
    private readonly ITestOutputHelper _output;
    private readonly int _logOffset;

    protected ControlPlaneTest(ControlPlaneFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        _output = output;
        _logOffset = fixture.ControlPlane.Log.Count;
        Namespace = "test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        Kubectl = new Kubectl(fixture.ControlPlane.KubeconfigPath);
        Kubectl.Ran += result => _output.WriteLine(result.ToString());
        Loggers = new TestOutputLoggerFactory(output);
    }

    /// <summary>Loggers that write to this test's output.</summary>
    protected TestOutputLoggerFactory Loggers { get; }

    protected ControlPlaneFixture Fixture { get; }

    protected IKubernetes Client => Fixture.Client;

    /// <summary>This test's namespace.</summary>
    protected string Namespace { get; }

    protected Kubectl Kubectl { get; }

    /// <summary>Writes a line to the test's output.</summary>
    protected void Output(string line) => _output.WriteLine(line);

    public async Task InitializeAsync() =>
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });

    public async Task DisposeAsync()
    {
        // Without kube-controller-manager a deleted namespace stays Terminating; it is still
        // gone from the tests' point of view and costs nothing.
        await Client.CoreV1.DeleteNamespaceAsync(Namespace);
        var lines = Fixture.ControlPlane.Log.Since(_logOffset);
        if (lines.Count == 0)
        {
            return;
        }

        _output.WriteLine($"--- control plane log during this test ({lines.Count} lines, full log: {Fixture.ControlPlane.Log.Path}) ---");
        foreach (var line in lines)
        {
            _output.WriteLine(line);
        }
    }
}

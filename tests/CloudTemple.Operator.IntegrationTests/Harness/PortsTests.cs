using CloudTemple.Operator.LocalControlPlane;

namespace CloudTemple.Operator.IntegrationTests.Harness;

/// <summary>
/// The local control plane's ports: etcd, its peers, kube-apiserver and the product's processes each
/// take one from <see cref="Ports.Free"/>, so a port handed out twice starts one of them on a port
/// another is about to bind.
/// </summary>
public sealed class PortsTests
{
    [Fact]
    public void APortIsNeverHandedOutTwice_EvenWhenTheSystemOffersItAgain()
    {
        var ports = Enumerable.Range(0, 2000).Select(_ => Ports.Free()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}

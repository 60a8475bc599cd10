using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class ControllerFilterTests
{
    [Fact]
    public void TheOperatorsOwnStatusWrite_DoesNotCauseAReconcile()
    {
        var before = Vlan(generation: 1);
        var after = Vlan(generation: 1, resourceVersion: "2");
        ((ICustomResource)after).CommonStatus.ObservedGeneration = 1;

        Assert.False(Controller<Vlan>.NeedsReconcile(before, after));
    }

    [Fact]
    public void TheOperatorsOwnFinalizerWrite_DoesNotCauseAReconcile()
    {
        var after = Vlan(generation: 1, resourceVersion: "2");
        after.Metadata.Finalizers = [ApiGroup.Finalizer];

        Assert.False(Controller<Vlan>.NeedsReconcile(Vlan(generation: 1), after));
    }

    [Fact]
    public void ASpecChange_CausesAReconcile() =>
        Assert.True(Controller<Vlan>.NeedsReconcile(Vlan(generation: 1), Vlan(generation: 2)));

    [Theory]
    [InlineData(ApiGroup.PausedAnnotation, "true")]
    [InlineData(ApiGroup.ReconcileRequestedAtAnnotation, "2026-11-25T12:00:00Z")]
    public void AnAnnotationChange_CausesAReconcile(string annotation, string value)
    {
        var after = Vlan(generation: 1);
        after.Metadata.Annotations = new Dictionary<string, string> { [annotation] = value };

        Assert.True(Controller<Vlan>.NeedsReconcile(Vlan(generation: 1), after));
    }

    [Fact]
    public void ADeletion_CausesAReconcile()
    {
        var after = Vlan(generation: 1);
        after.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.True(Controller<Vlan>.NeedsReconcile(Vlan(generation: 1), after));
    }

    private static Vlan Vlan(long generation, string resourceVersion = "1") => new()
    {
        Metadata = new() { Name = "a", NamespaceProperty = "ns", Generation = generation, ResourceVersion = resourceVersion },
    };
}

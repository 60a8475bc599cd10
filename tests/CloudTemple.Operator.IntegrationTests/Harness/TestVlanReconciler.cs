using System.Collections.Concurrent;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.IntegrationTests.Harness;

/// <summary>
/// A minimal reconciler for the runtime's tests: each call counts as a "platform call", the object
/// becomes Ready with a fixed VLAN id, and deletion can be held to prove that the finalizer waits.
/// </summary>
public sealed class TestVlanReconciler : IReconciler<Vlan>
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private volatile bool _holdDeletion;

    /// <summary>Reconciles so far, all objects together.</summary>
    public int Calls => _calls.Values.Sum();

    /// <summary>Finalizations so far.</summary>
    public int Finalizations { get; private set; }

    /// <summary>While true, deletion waits with reason InUse.</summary>
    public bool HoldDeletion
    {
        get => _holdDeletion;
        set => _holdDeletion = value;
    }

    public int CallsFor(string name) => _calls.GetValueOrDefault(name);

    /// <summary>An event each pass publishes about its object, as a kind's action would (null: none).</summary>
    public (string Reason, string Note)? Action { get; init; }

    public Task<ReconcileResult> ReconcileAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(context.Key.Name, 1, (_, n) => n + 1);
        var status = context.Entity.Status!;
        status.ExternalId = $"vlan-{context.Key.Name}";
        status.VlanId = 100;
        status.AvailabilityZones = [.. context.Entity.Spec.AvailabilityZones];
        if (Action is { } action)
        {
            context.Events.Publish(warning: false, action.Reason, action.Reason, action.Note);
        }

        context.Conditions.MarkReady("Provisioned", "The VLAN matches its spec.");
        return Task.FromResult(ReconcileResult.Done);
    }

    public Task<FinalizeResult> FinalizeAsync(ReconcileContext<Vlan> context, CancellationToken cancellationToken)
    {
        Finalizations++;
        return Task.FromResult(_holdDeletion
            ? FinalizeResult.Wait("InUse", "The VLAN is still used by a test.", TimeSpan.FromMilliseconds(200))
            : FinalizeResult.Done);
    }
}

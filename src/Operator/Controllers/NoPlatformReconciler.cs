using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// What every kind runs until its platform driver exists: the object gets its finalizer and an
/// honest status — Stalled with reason NoPlatformDriver, Ready False — and nothing is created, so
/// deleting it needs no platform call.
/// </summary>
public sealed class NoPlatformReconciler<T>(string platform) : IReconciler<T>
    where T : class, ICustomResource
{
    public const string Reason = "NoPlatformDriver";

    public Task<ReconcileResult> ReconcileAsync(ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        context.Conditions.MarkStalled(Reason,
            $"No {platform} platform driver is available for {typeof(T).Name} yet: nothing is created on the platform.");
        return Task.FromResult(ReconcileResult.Done);
    }

    public Task<FinalizeResult> FinalizeAsync(ReconcileContext<T> context, CancellationToken cancellationToken) =>
        Task.FromResult(FinalizeResult.Done);
}

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// The deletion of an object's platform resource: objects that still need this one hold it (usage
/// protection); a create whose answer was lost is found by name; the operation in flight is
/// awaited; a resource another object manages is left to it; the kind's step before delete is
/// taken (e.g. decrypting VMs); then the delete is sent once and awaited. What the platform's public
/// API cannot delete waits for the manual order, or for deletionPolicy: Orphan.
/// </summary>
public sealed class ManagedFinalizer<T, TResource>(
    ManagedKind<T, TResource> kind, PlatformLink<T> link, INamespaceView view, OwnershipGuard<T> ownership, ActivityPolls polls, ReconcilerOptions options)
    where T : class, ICustomResource
{
    private const string Deleting = "Deleting";

    public async Task<FinalizeResult> FinalizeAsync(ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var status = entity.CommonStatus;

        // Asked first: while objects still use this one, the platform is not even connected (the intent
        // to create, if any, waits in its own field).
        var users = await kind.UsedByAsync(entity, view, cancellationToken).ConfigureAwait(false);
        if (users.Count > 0)
        {
            return FinalizeResult.Wait("InUse", $"Still used by {BoundedText.List(users)}: the {kind.Noun} is deleted once they are.", options.PollInterval);
        }

        var platform = await link.ConnectAsync(entity, cancellationToken).ConfigureAwait(false);
        var client = kind.Connect(platform, context, ResolvedReferences.None);
        if (status.ExternalId is null && status.CreatePendingSince is not null)
        {
            await RecoverCreateAsync(client, context, cancellationToken).ConfigureAwait(false);
        }

        if (status.ActivityId is { } activity)
        {
            if (await platform.Activities.GetActivityAsync(activity, cancellationToken).ConfigureAwait(false) is not (ActivityCompleted or ActivityFailed))
            {
                return FinalizeResult.Wait(Deleting, $"Waiting for platform activity {activity} before the {kind.Noun} is gone.", polls.Next(activity));
            }

            polls.Forget(activity);
            status.ActivityId = null;
        }

        if (status.ExternalId is not { } id)
        {
            return FinalizeResult.Done;
        }

        if (await ownership.OtherOwnerAsync(entity, id, cancellationToken).ConfigureAwait(false) is { } owner)
        {
            context.Events.Publish(warning: true, Ownership.AlreadyManaged, "Finalize", $"{kind.Noun} {id} is managed by {owner}: it is left on the platform.");
            return FinalizeResult.Done;
        }

        try
        {
            return await DeleteAsync(client, context, id, cancellationToken).ConfigureAwait(false);
        }
        catch (ManualOrderRequiredException e)
        {
            // A client that declares a capability its driver lacks: still nothing was sent.
            return ManualOrder(e.Message);
        }
    }

    // Only the intent to create was saved (the operator died, or the answer was lost, between the
    // platform's acceptance and the status write): the resource, if it was created, has this object's name.
    private async Task RecoverCreateAsync(ExternalClient<T, TResource> client, ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        if (client.Capabilities.HasFlag(Capabilities.Observe)
            && await client.FindAsync(cancellationToken).ConfigureAwait(false) is { } created
            && await ownership.OtherOwnerAsync(context.Entity, created.Id, cancellationToken).ConfigureAwait(false) is null)
        {
            context.Entity.CommonStatus.ExternalId = created.Id;
            context.Entity.CommonStatus.CreatePendingSince = null;
            await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<FinalizeResult> DeleteAsync(ExternalClient<T, TResource> client, ReconcileContext<T> context, string id, CancellationToken cancellationToken)
    {
        if (!client.Capabilities.HasFlag(Capabilities.Observe))
        {
            return ManualOrder(client.DeleteOrder(id));
        }

        if (await client.ObserveAsync(id, cancellationToken).ConfigureAwait(false) is not { } observed)
        {
            return FinalizeResult.Done;
        }

        var before = await client.BeforeDeleteAsync(observed, cancellationToken).ConfigureAwait(false);
        if (before.Wait is { } wait)
        {
            return FinalizeResult.Wait(wait.Reason, wait.Message, options.PollInterval);
        }

        if (before.Step is { ManualOrder: { } stepOrder })
        {
            return ManualOrder(stepOrder);
        }

        if (!client.Capabilities.HasFlag(Capabilities.Delete))
        {
            return ManualOrder(client.DeleteOrder(id));
        }

        var (action, message, send) = before.Step is { } step
            ? (step.Action, step.Message, step.SendAsync)
            : (Deleting, $"Deleting {kind.Noun} {id}", (Func<CancellationToken, Task<PlatformOperation>>)(ct => client.DeleteAsync(id, ct)));
        try
        {
            var operation = await send(cancellationToken).ConfigureAwait(false);
            context.Entity.CommonStatus.ActivityId = operation.ActivityId;
            var deleting = FinalizeResult.Wait(action, $"{message}, before the {kind.Noun} is gone.", polls.Next(operation.ActivityId));

            // Marked as the runtime will mark it, so that this save is the pass's only write.
            context.Conditions.MarkReconciling(deleting.Reason, deleting.Message);
            await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
            context.Events.Publish(warning: false, action, action, $"{message} (platform activity {operation.ActivityId}).");
            return deleting;
        }
        catch (PlatformOutcomeUnknownException)
        {
            // Whether it happened is learnt at the next pass, which reads the resource again.
            return FinalizeResult.Wait(action, $"{message}: the platform's answer was lost, so it is read again before anything else is sent.", options.PollInterval);
        }
    }

    private FinalizeResult ManualOrder(string order) =>
        FinalizeResult.Wait(Reasons.ManualOrderRequired, $"{order} Or set spec.deletionPolicy: Orphan to leave it on the platform.", options.ManualOrderPollInterval);
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// LEGACY, being replaced by Lifecycle/ManagedReconciler. The life cycle every kind shares on the platform (docs/api.md): the spec is checked against the
/// webhook's rules (which a bypassed webhook did not apply); the credentials are resolved; an
/// operation in flight (status.activityId) is awaited, never repeated, across operator restarts;
/// the platform resource is found by status.externalId, adopted by spec.externalId, imported by name
/// in Observe mode, or created — after the intent to create is saved, so that a crash between the
/// platform's acceptance and the next status write cannot create it twice, while a stranger's
/// resource of the same name is never adopted silently (AlreadyExists). Observe never writes.
/// Kinds supply the platform calls and how an observation fills their status.
/// </summary>
public abstract class PlatformReconciler<T, TObservation>(
    IPlatformConnections connections, CredentialsResolver credentials, INamespaceView view, ReconcilerOptions? options = null)
    : IReconciler<T>
    where T : class, ICustomResource
    where TObservation : class
{
    /// <summary>Reason of Stalled when the platform's public API cannot do what the spec asks: the message gives the order to place.</summary>
    public const string ManualOrderRequired = "ManualOrderRequired";

    /// <summary>Reason of Stalled when the spec breaks a rule (the message names the field and the rule).</summary>
    public const string InvalidSpec = "InvalidSpec";

    private const string Creating = "Creating";

    // Looks so far at each activity in flight, for the backoff of NextPoll; forgotten once it ends.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _polls = new();

    /// <summary>The options in force.</summary>
    protected ReconcilerOptions Options { get; } = options ?? new ReconcilerOptions();

    /// <summary>The kind's name in messages, e.g. "VLAN".</summary>
    protected abstract string Noun { get; }

    public async Task<ReconcileResult> ReconcileAsync(ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var violations = await SpecRules.CheckAsync(entity, old: null, view, cancellationToken).ConfigureAwait(false);
        if (violations.Count > 0)
        {
            context.Conditions.MarkStalled(InvalidSpec, BoundedText.List(violations.Select(v => v.ToString()), "; "));
            return ReconcileResult.Done;
        }

        if (entity.CommonSpec.ExternalId is { } named && entity.CommonStatus.ExternalId is { } managed && named != managed)
        {
            // The webhook refuses this change; with it bypassed, Ready must not go on vouching for the old id.
            context.Conditions.MarkStalled("ExternalIdChanged",
                $"spec.externalId names {named}, but this object manages {managed}: an external id cannot change once set. Set spec.externalId back to {managed}, or adopt {named} with another object.");
            return ReconcileResult.Done;
        }

        if ((entity.CommonStatus.ExternalId ?? entity.CommonSpec.ExternalId) is { } claimed && await ManagedElsewhereAsync(context, claimed, cancellationToken).ConfigureAwait(false))
        {
            return ReconcileResult.Done;
        }

        try
        {
            var platform = connections.Connect(await credentials.ResolveAsync(entity, cancellationToken).ConfigureAwait(false));
            return await ReconcileOnPlatformAsync(platform, context, cancellationToken).ConfigureAwait(false);
        }
        catch (CredentialsNotFoundException e)
        {
            context.Conditions.MarkStalled("CredentialsNotFound", e.Message);
        }
        catch (InvalidSpecException e)
        {
            context.Conditions.MarkStalled(InvalidSpec, e.Message);
        }
        catch (Exception e) when (e is PlatformAuthenticationException or PlatformForbiddenException)
        {
            context.Conditions.MarkStalled("CredentialsRefused", $"The platform refused the credentials: {e.Message}");
        }
        catch (PlatformRefusedException e)
        {
            context.Conditions.MarkStalled("PlatformRefused", e.Message);
            context.Events.Publish(warning: true, "PlatformRefused", "Reconcile", e.Message);
        }
        catch (ManualOrderRequiredException e)
        {
            // Nothing was sent: the tenant places the order in the console, then adopts the result.
            context.Conditions.MarkStalled(ManualOrderRequired, e.Message);
            context.Events.Publish(warning: true, ManualOrderRequired, "Reconcile", e.Message);
        }

        return ReconcileResult.Done;
    }

    public async Task<FinalizeResult> FinalizeAsync(ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        if (context.Entity.CommonStatus.ExternalId is null && context.Conditions[ConditionTypes.Reconciling] is { Status: ConditionStatus.True, Reason: Creating })
        {
            // Only the intent to create was saved (the operator died, or the answer was lost, between the
            // platform's acceptance and the status write): the resource, if it was created, has this
            // object's name. Recorded first, before a later condition can replace the intent.
            var creator = connections.Connect(await credentials.ResolveAsync(context.Entity, cancellationToken).ConfigureAwait(false));
            if (await FindByNameAsync(creator, context.Entity, cancellationToken).ConfigureAwait(false) is { } created
                && await OtherOwnerAsync(context.Entity, IdOf(created), cancellationToken).ConfigureAwait(false) is null)
            {
                context.Entity.CommonStatus.ExternalId = IdOf(created);
                await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        var users = await UsedByAsync(context.Entity, cancellationToken).ConfigureAwait(false);
        if (users.Count > 0)
        {
            return FinalizeResult.Wait("InUse", $"Still used by {BoundedText.List(users)}: the {Noun} is deleted once they are.", Options.PollInterval);
        }

        try
        {
            return await FinalizeOnPlatformAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (ManualOrderRequiredException e)
        {
            // The object stays until the resource is gone from the platform, or deletionPolicy says Orphan.
            return FinalizeResult.Wait(ManualOrderRequired, $"{e.Message} Or set spec.deletionPolicy: Orphan to leave it on the platform.", Options.ManualOrderPollInterval);
        }
    }

    private async Task<FinalizeResult> FinalizeOnPlatformAsync(ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var platform = connections.Connect(await credentials.ResolveAsync(context.Entity, cancellationToken).ConfigureAwait(false));
        var status = context.Entity.CommonStatus;
        if (status.ActivityId is { } activity && !await FinishedAsync(platform, activity, cancellationToken).ConfigureAwait(false))
        {
            return FinalizeResult.Wait("Deleting", $"Waiting for platform activity {activity} before the {Noun} is gone.", NextPoll(activity));
        }

        if (status.ActivityId is { } finished)
        {
            _polls.TryRemove(finished, out _);
        }

        status.ActivityId = null;
        if (status.ExternalId is not { } id)
        {
            return FinalizeResult.Done;
        }

        if (await OtherOwnerAsync(context.Entity, id, cancellationToken).ConfigureAwait(false) is { } owner)
        {
            // Another object manages the resource: deleting this one leaves it to its owner.
            context.Events.Publish(warning: true, Ownership.AlreadyManaged, "Finalize", $"{Noun} {id} is managed by {owner}: it is left on the platform.");
            return FinalizeResult.Done;
        }

        try
        {
            await GetAsync(platform, id, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException)
        {
            return FinalizeResult.Done;
        }

        try
        {
            var operation = await DeleteAsync(platform, id, cancellationToken).ConfigureAwait(false);
            status.ActivityId = operation.ActivityId;
            await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
            context.Events.Publish(warning: false, "Deleting", $"Delete{GetType().Name.Replace("Reconciler", string.Empty, StringComparison.Ordinal)}", $"Deleting {Noun} {id} (platform activity {operation.ActivityId}).");
            return FinalizeResult.Wait("Deleting", $"Deleting the {Noun} on the platform.", NextPoll(operation.ActivityId));
        }
        catch (PlatformOutcomeUnknownException)
        {
            // Whether the delete happened is learnt at the next pass, which reads the resource again.
        }

        return FinalizeResult.Wait("Deleting", $"Deleting the {Noun} on the platform.", Options.PollInterval);
    }

    /// <summary>Reads the platform resource; throws <see cref="PlatformNotFoundException"/> when it does not exist.</summary>
    protected abstract Task<TObservation> GetAsync(IPlatform platform, string id, CancellationToken cancellationToken);

    /// <summary>The platform resource with this object's name, or null.</summary>
    protected abstract Task<TObservation?> FindByNameAsync(IPlatform platform, T entity, CancellationToken cancellationToken);

    /// <summary>The platform id of an observation.</summary>
    protected abstract string IdOf(TObservation observation);

    /// <summary>Whether the platform is still creating or changing the resource.</summary>
    protected abstract bool IsBusy(TObservation observation);

    /// <summary>Orders the resource; returns as soon as the platform accepted it.</summary>
    protected abstract Task<PlatformOperation> CreateAsync(IPlatform platform, ReconcileContext<T> context, CancellationToken cancellationToken);

    /// <summary>Orders the changes that bring the resource in line with the spec, or returns null when it is.</summary>
    protected abstract Task<PlatformOperation?> UpdateAsync(IPlatform platform, ReconcileContext<T> context, TObservation observed, CancellationToken cancellationToken);

    /// <summary>Orders the deletion of the resource.</summary>
    protected abstract Task<PlatformOperation> DeleteAsync(IPlatform platform, string id, CancellationToken cancellationToken);

    /// <summary>
    /// What the spec asks that the platform resource cannot become in place (an immutable field
    /// changed with the webhook bypassed, or an adopted resource that differs), as a sentence naming
    /// the field and the rule; null when nothing is. The object then stalls, and nothing is sent.
    /// </summary>
    protected virtual string? CannotChangeInPlace(T entity, TObservation observed) => null;

    /// <summary>
    /// The fields of the spec (or status) the platform does not show, so that Ready cannot vouch for
    /// them: the Ready message names them. None by default.
    /// </summary>
    protected virtual IReadOnlyList<string> NotShown(TObservation observed) => [];

    /// <summary>
    /// Why the resource, though it exists and nothing is to be sent, does not match the spec (e.g. the
    /// spec names a VM the platform does not know), as a sentence; null when it does. The object then
    /// stalls with reason <see cref="SpecNotMet"/> instead of becoming Ready.
    /// </summary>
    protected virtual string? NotReadyBecause(T entity, TObservation observed) => null;

    /// <summary>Reason of Stalled when the platform resource exists but cannot match the spec without a change outside the operator.</summary>
    public const string SpecNotMet = "SpecNotMet";

    /// <summary>Fills the kind's status fields, billing and conditions from what the platform reports.</summary>
    protected abstract void Report(ReconcileContext<T> context, TObservation observed);

    /// <summary>
    /// Whether every object the spec references exists and is Ready (see <see cref="ResolveReferencesAsync{TRef}"/>);
    /// nothing is created or changed on the platform until they are.
    /// </summary>
    protected virtual Task<bool> ReferencesReadyAsync(ReconcileContext<T> context, CancellationToken cancellationToken) =>
        Task.FromResult(true);

    /// <summary>Objects that still need this one (usage protection): its deletion waits for them.</summary>
    protected virtual Task<IReadOnlyList<string>> UsedByAsync(T entity, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    private async Task<ReconcileResult> ReconcileOnPlatformAsync(IPlatform platform, ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var spec = entity.CommonSpec;
        var status = entity.CommonStatus;
        var observe = spec.ManagementPolicy == ManagementPolicy.Observe;

        if (status.ActivityId is { } activity)
        {
            var state = await platform.Activities.GetActivityAsync(activity, cancellationToken).ConfigureAwait(false);
            if (state.IsTerminal)
            {
                _polls.TryRemove(activity, out _);
            }

            switch (state)
            {
                case ActivityCompleted completed:
                    status.ActivityId = null;
                    status.ExternalId ??= completed.ResultId;
                    break;
                case ActivityFailed failed:
                    status.ActivityId = null;
                    context.Events.Publish(warning: true, "OperationFailed", "Reconcile", $"Platform activity {activity} failed: {failed.Reason}");
                    if (!failed.Transient)
                    {
                        context.Conditions.MarkStalled("PlatformFailed", $"Platform activity {activity} failed: {failed.Reason}");
                        return ReconcileResult.Done;
                    }

                    context.Conditions.MarkReconciling("Retrying", $"Platform activity {activity} failed with a transient error ({failed.Reason}); trying again.");
                    return ReconcileResult.After(Options.PollInterval);
                default:
                    context.Conditions.MarkReconciling("WaitingForPlatform", $"Waiting for platform activity {activity}{Progress(state)}.");
                    return ReconcileResult.After(NextPoll(activity));
            }
        }

        if (!observe && !await ReferencesReadyAsync(context, cancellationToken).ConfigureAwait(false))
        {
            // ReferencesReady says which; a reference becoming Ready wakes the object at once.
            return ReconcileResult.After(Options.ReferencePollInterval);
        }

        var (observed, stalled) = await LocateAsync(platform, context, observe, cancellationToken).ConfigureAwait(false);
        if (stalled)
        {
            return ReconcileResult.Done;
        }

        if (observed is null)
        {
            return await CreateOnPlatformAsync(platform, context, cancellationToken).ConfigureAwait(false);
        }

        status.ExternalId = IdOf(observed);
        if (IsBusy(observed))
        {
            Report(context, observed);
            context.Conditions.MarkReconciling("WaitingForPlatform", $"The platform is still working on {Noun} {status.ExternalId}.");
            return ReconcileResult.After(Options.PollInterval);
        }

        if (!observe && CannotChangeInPlace(entity, observed) is { } mismatch)
        {
            // Reported as the platform has it; nothing is sent, and Ready never claims the spec holds.
            Report(context, observed);
            context.Conditions.MarkStalled("CannotChangeInPlace", mismatch);
            return ReconcileResult.Done;
        }

        if (!observe && await UpdateAsync(platform, context, observed, cancellationToken).ConfigureAwait(false) is { } update)
        {
            status.ActivityId = update.ActivityId;
            context.Conditions.MarkReconciling("Updating", $"Updating {Noun} {status.ExternalId} to match the spec (platform activity {update.ActivityId}).");
            await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
            context.Events.Publish(warning: false, "Updating", "Update", $"Updating {Noun} {status.ExternalId} (platform activity {update.ActivityId}).");
            return ReconcileResult.After(NextPoll(update.ActivityId));
        }

        Report(context, observed);
        if (!observe && NotReadyBecause(entity, observed) is { } unmet)
        {
            context.Conditions.MarkStalled(SpecNotMet, unmet);
            return ReconcileResult.Done;
        }

        var notShown = NotShown(observed) is { Count: > 0 } fields
            ? $" The platform does not show {string.Join(", ", fields)}: not checked."
            : string.Empty;
        context.Conditions.MarkReady(observe ? "Observed" : "Provisioned",
            (observe ? $"{Noun} {status.ExternalId} is observed; the operator never writes to it." : $"{Noun} {status.ExternalId} matches the spec.") + notShown);
        return ReconcileResult.Done;
    }

    // Finds the platform resource this object stands for, or null when it must be created; stalls
    // (and says so) when it can neither be found nor created.
    private async Task<(TObservation? Observed, bool Stalled)> LocateAsync(IPlatform platform, ReconcileContext<T> context, bool observe, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var status = entity.CommonStatus;
        if (status.ExternalId is { } known)
        {
            try
            {
                return (await GetAsync(platform, known, cancellationToken).ConfigureAwait(false), false);
            }
            catch (PlatformNotFoundException) when (!observe && entity.CommonSpec.ExternalId is null)
            {
                // Deleted outside the operator: it is created again, under the same intent.
                status.ExternalId = null;
                context.Conditions.MarkReconciling(Creating, $"{Noun} {known} disappeared from the platform; creating it again.");
                return (null, false);
            }
            catch (PlatformNotFoundException)
            {
                context.Conditions.MarkStalled("NotFound", $"{Noun} {known} does not exist on the platform.");
                return (null, true);
            }
        }

        if (entity.CommonSpec.ExternalId is { } adopt)
        {
            try
            {
                var adopted = await GetAsync(platform, adopt, cancellationToken).ConfigureAwait(false);
                context.Events.Publish(warning: false, "Adopted", "Adopt", $"Adopted {Noun} {adopt} named by spec.externalId.");
                return (adopted, false);
            }
            catch (PlatformNotFoundException)
            {
                context.Conditions.MarkStalled("ExternalNotFound", $"{Noun} {adopt}, named by spec.externalId, does not exist on the platform.");
                return (null, true);
            }
        }

        var byName = await FindByNameAsync(platform, entity, cancellationToken).ConfigureAwait(false);
        var intended = context.Conditions[ConditionTypes.Reconciling] is { Status: ConditionStatus.True, Reason: Creating };
        if (byName is not null && (observe || intended) && await ManagedElsewhereAsync(context, IdOf(byName), cancellationToken).ConfigureAwait(false))
        {
            return (null, true);
        }

        if (byName is not null && (observe || intended))
        {
            // Observe imports by name; with a saved intent to create, the resource of that name is
            // the one this object created before its status could say so.
            return (byName, false);
        }

        if (byName is not null)
        {
            context.Conditions.MarkStalled("AlreadyExists",
                $"A {Noun} named '{entity.Metadata.Name}' already exists on the platform ({IdOf(byName)}) and is not adopted silently: set spec.externalId to {IdOf(byName)} to adopt it, or rename this object.");
            return (null, true);
        }

        if (observe)
        {
            context.Conditions.MarkStalled("NotFound", $"No {Noun} named '{entity.Metadata.Name}' exists on the platform to observe: set spec.externalId.");
            return (null, true);
        }

        return (null, false);
    }

    private async Task<ReconcileResult> CreateOnPlatformAsync(IPlatform platform, ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var status = context.Entity.CommonStatus;
        context.Conditions.MarkReconciling(Creating, $"Creating {Noun} '{context.Entity.Metadata.Name}' on the platform.");
        await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        PlatformOperation operation;
        try
        {
            operation = await CreateAsync(platform, context, cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformOutcomeUnknownException)
        {
            // The platform may or may not have it: the next pass finds it by name (the intent is saved) or creates it.
            return ReconcileResult.After(Options.PollInterval);
        }

        status.ActivityId = operation.ActivityId;
        status.ExternalId = operation.ResourceId ?? status.ExternalId;
        await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        context.Events.Publish(warning: false, Creating, "Create", $"Creating {Noun} '{context.Entity.Metadata.Name}' (platform activity {operation.ActivityId}).");
        return ReconcileResult.After(NextPoll(operation.ActivityId));
    }

    // The object of this kind that owns the platform id when it is not this one (see Ownership), else null.
    private async Task<ExternalIdClaim?> OtherOwnerAsync(T entity, string id, CancellationToken cancellationToken) =>
        Ownership.OtherOwner(entity, id, await view.ClaimsAsync(typeof(T), id, cancellationToken).ConfigureAwait(false));

    // Stalls, sending nothing, when another object manages the platform id this object names; an id
    // this object's status held is let go, so that deleting this object never deletes the owner's resource.
    private async Task<bool> ManagedElsewhereAsync(ReconcileContext<T> context, string id, CancellationToken cancellationToken)
    {
        if (await OtherOwnerAsync(context.Entity, id, cancellationToken).ConfigureAwait(false) is not { } owner)
        {
            return false;
        }

        var status = context.Entity.CommonStatus;
        if (status.ExternalId == id)
        {
            status.ExternalId = null;
        }

        context.Conditions.MarkStalled(Ownership.AlreadyManaged,
            $"{Noun} {id} is already managed by {typeof(T).Name} {owner}: a platform resource belongs to exactly one object, and nothing was sent. Delete that object (or set its deletionPolicy: Orphan) before adopting it here.");
        return true;
    }

    // FirstPollInterval, then twice as long at each look at the same activity, up to PollInterval.
    private TimeSpan NextPoll(string activity)
    {
        var looks = _polls.AddOrUpdate(activity, 0, (_, n) => n + 1);
        var delay = Options.FirstPollInterval * Math.Pow(2, Math.Min(looks, 16));
        return delay < Options.PollInterval ? delay : Options.PollInterval;
    }

    private static async Task<bool> FinishedAsync(IPlatform platform, string activity, CancellationToken cancellationToken) =>
        await platform.Activities.GetActivityAsync(activity, cancellationToken).ConfigureAwait(false) is ActivityCompleted or ActivityFailed;

    private static string Progress(ActivityState state) =>
        state is ActivityRunning running ? $" ({running.Progress} %)" : string.Empty;

    /// <summary>Condition type saying whether every referenced object exists and is Ready.</summary>
    public const string ReferencesReady = "ReferencesReady";

    /// <summary>
    /// The platform ids of the referenced objects of kind <typeparamref name="TRef"/>, or null when one
    /// is missing or not Ready yet; the ReferencesReady condition then names them.
    /// </summary>
    protected async Task<IReadOnlyList<string>?> ResolveReferencesAsync<TRef>(ReconcileContext<T> context, IEnumerable<string> names, CancellationToken cancellationToken)
        where TRef : class, ICustomResource
    {
        var ids = new List<string>();
        var waiting = new List<string>();
        var kind = typeof(TRef).Name;
        foreach (var name in names)
        {
            var referenced = await view.FindAsync<TRef>(context.Key.Namespace, name, cancellationToken).ConfigureAwait(false);
            var ready = referenced?.CommonStatus.Conditions.Any(c => c.Type == ConditionTypes.Ready && c.Status == ConditionStatus.True) == true;
            if (referenced is null || !ready || referenced.CommonStatus.ExternalId is not { } id)
            {
                waiting.Add(referenced is null ? $"{kind} '{name}' does not exist" : $"{kind} '{name}' is not Ready");
                continue;
            }

            ids.Add(id);
        }

        if (waiting.Count > 0)
        {
            var message = BoundedText.List(waiting, "; ") + ".";
            context.Conditions.Set(ReferencesReady, ConditionStatus.False, "WaitingForReferences", message);
            context.Conditions.MarkReconciling("WaitingForReferences", message);
            return null;
        }

        context.Conditions.Set(ReferencesReady, ConditionStatus.True, "ReferencesReady", "Every referenced object is Ready.");
        return ids;
    }

    /// <summary>The billing lines of an observation, as status.billing writes them.</summary>
    protected static List<BillingLine> Billing(IEnumerable<BillingItem> items) =>
        [.. items.Select(i => new BillingLine { Sku = i.Sku, Quantity = i.Quantity, Unit = i.Unit == Entities.Catalog.BillingUnit.Host ? "host" : i.Unit.ToString() })];
}

/// <summary>The spec breaks a rule that only the platform's answers reveal; nothing was sent. The message names the field and the rule.</summary>
public sealed class InvalidSpecException(string message) : Exception(message);

using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// The life cycle every kind shares on the platform, the same path at every pass: validate (the
/// webhook's rules, which a bypassed webhook did not apply) → connect (credentials, once) → the
/// operation in flight (status.activityId, awaited across restarts, never repeated) → references
/// (resolved once) → observe (by status.externalId, adopt by spec.externalId, import or recover a
/// lost create by name) → create / change / stall → report. The intent to create is saved in
/// status.createPendingSince before the create is sent, so that a lost answer is found by name, never
/// created twice, while a stranger's resource of the same name is never adopted silently. Observe
/// never writes. Deletion is <see cref="ManagedFinalizer{T, TResource}"/>. Nothing here is
/// kind-specific: the kind's <see cref="ManagedKind{T, TResource}"/> and
/// <see cref="ExternalClient{T, TResource}"/> are.
/// </summary>
public sealed class ManagedReconciler<T, TResource> : IReconciler<T>
    where T : class, ICustomResource
{
    private readonly ManagedKind<T, TResource> _kind;
    private readonly PlatformLink<T> _link;
    private readonly INamespaceView _view;
    private readonly ReconcilerOptions _options;
    private readonly ActivityPolls _polls;
    private readonly OwnershipGuard<T> _ownership;
    private readonly ManagedFinalizer<T, TResource> _finalizer;

    public ManagedReconciler(ManagedKind<T, TResource> kind, IPlatformConnections connections, ICredentialsSource credentials, INamespaceView view, ReconcilerOptions? options = null)
    {
        _kind = kind;
        _link = new PlatformLink<T>(connections, credentials);
        _view = view;
        _options = options ?? new ReconcilerOptions();
        _polls = new ActivityPolls(_options);
        _ownership = new OwnershipGuard<T>(view, kind.Noun);
        _finalizer = new ManagedFinalizer<T, TResource>(kind, _link, view, _ownership, _polls, _options);
    }

    public async Task<ReconcileResult> ReconcileAsync(ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var outcome = await ValidateAsync(context.Entity, cancellationToken).ConfigureAwait(false)
            ?? await _link.GuardAsync(context.Entity, platform => PassAsync(platform, context, cancellationToken), cancellationToken).ConfigureAwait(false);
        return outcome.Apply(context);
    }

    public Task<FinalizeResult> FinalizeAsync(ReconcileContext<T> context, CancellationToken cancellationToken) =>
        _finalizer.FinalizeAsync(context, cancellationToken);

    // The rules a bypassed webhook did not apply; an external id that changed; an id another object manages.
    private async Task<Outcome?> ValidateAsync(T entity, CancellationToken cancellationToken)
    {
        var violations = await SpecRules.CheckAsync(entity, old: null, _view, cancellationToken).ConfigureAwait(false);
        if (violations.Count > 0)
        {
            return Outcome.Stalled(Reasons.InvalidSpec, BoundedText.List(violations.Select(v => v.ToString()), "; "));
        }

        if (entity.CommonSpec.ExternalId is { } named && entity.CommonStatus.ExternalId is { } managed && named != managed)
        {
            // The webhook refuses this change; with it bypassed, Ready must not go on vouching for the old id.
            return Outcome.Stalled(Reasons.ExternalIdChanged,
                $"spec.externalId names {named}, but this object manages {managed}: an external id cannot change once set. Set spec.externalId back to {managed}, or adopt {named} with another object.");
        }

        return (entity.CommonStatus.ExternalId ?? entity.CommonSpec.ExternalId) is { } claimed
            ? await _ownership.ManagedElsewhereAsync(entity, claimed, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private async Task<Outcome> PassAsync(IPlatform platform, ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var status = context.Entity.CommonStatus;
        var observe = context.Entity.CommonSpec.ManagementPolicy == ManagementPolicy.Observe;
        ExternalClient<T, TResource> Client(ResolvedReferences references) => _kind.Connect(platform, context, references);

        if (status.ActivityId is { } activity
            && await InFlightAsync(platform, context, activity, Client(ResolvedReferences.None), cancellationToken).ConfigureAwait(false) is { } waiting)
        {
            return waiting;
        }

        var references = ResolvedReferences.None;
        if (!observe)
        {
            var (resolved, unready, missing) = await ResolvedReferences.ResolveAsync(_kind.References(context.Entity), _view, context.Key, context.Conditions, cancellationToken).ConfigureAwait(false);
            if (resolved is null)
            {
                // ReferencesReady names them; a reference becoming Ready wakes the object at once. A new
                // object waits quietly for references being created; one that does not exist is said at once.
                return !missing && IsNew(context.Entity)
                    ? Outcome.Quietly(Reasons.WaitingForReferences, unready!, _options.ReferencePollInterval)
                    : Outcome.Progressing(Reasons.WaitingForReferences, unready!, _options.ReferencePollInterval);
            }

            references = resolved;
        }

        var client = Client(references);
        var located = await new ResourceLocator<T, TResource>(client, context, _ownership, _kind.Noun).LocateAsync(cancellationToken).ConfigureAwait(false);
        if (located.Outcome is { } stalled)
        {
            return stalled;
        }

        if (located.Observed is not { } observed)
        {
            return await CreateAsync(client, context, cancellationToken).ConfigureAwait(false);
        }

        status.ExternalId = observed.Id;
        status.CreatePendingSince = null;
        return await new ChangeSender<T, TResource>(client, context, _polls, _options, _kind.Noun).ConvergeAsync(observed, observe, cancellationToken).ConfigureAwait(false);
    }

    // A new object that has said nothing yet, created within the quiet wait.
    private bool IsNew(T entity) =>
        entity.CommonStatus.Conditions.All(c => c.Type != ConditionTypes.Ready)
        && entity.Metadata.CreationTimestamp is { } created
        && _options.Clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) < _options.QuietReferenceWait;

    // Null once the operation in flight has ended well; otherwise how this pass ends.
    private async Task<Outcome?> InFlightAsync(IPlatform platform, ReconcileContext<T> context, string activity, ExternalClient<T, TResource> client, CancellationToken cancellationToken)
    {
        var status = context.Entity.CommonStatus;
        var state = await platform.Activities.GetActivityAsync(activity, cancellationToken).ConfigureAwait(false);
        if (state.IsTerminal)
        {
            _polls.Forget(activity);
            status.ActivityId = null;
        }

        switch (state)
        {
            case ActivityCompleted completed:
                status.ExternalId ??= completed.ResultId;
                return null;
            case ActivityFailed { Transient: true } failed:
                context.Events.Publish(warning: true, "OperationFailed", "Reconcile", $"Platform activity {activity} failed: {failed.Reason}");
                return Outcome.Progressing(Reasons.Retrying, $"Platform activity {activity} failed with a transient error ({failed.Reason}); trying again.", _options.PollInterval);
            case ActivityFailed failed:
                context.Events.Publish(warning: true, "OperationFailed", "Reconcile", $"Platform activity {activity} failed: {failed.Reason}");
                return await FailedAsync(client, status.ExternalId, new Verdict(Reasons.PlatformFailed, $"Platform activity {activity} failed: {failed.Reason}"), cancellationToken).ConfigureAwait(false);
            default:
                var progress = state is ActivityRunning running ? $" ({running.Progress} %)" : string.Empty;
                return Outcome.Progressing(Reasons.WaitingForPlatform, $"Waiting for platform activity {activity}{progress}.", _polls.Next(activity));
        }
    }

    // An operation failed for good: the resource, when it exists and says why (a refused service
    // request), speaks for itself; otherwise the activity's failure does.
    private static async Task<Outcome> FailedAsync(ExternalClient<T, TResource> client, string? id, Verdict failure, CancellationToken cancellationToken)
    {
        if (id is not null && client.Capabilities.HasFlag(Capabilities.Observe)
            && await client.ObserveAsync(id, cancellationToken).ConfigureAwait(false) is { Failed: { } failed } observed)
        {
            client.Report(observed);
            return Outcome.Stalled(failed.Reason, failed.Message);
        }

        return Outcome.Stalled(failure.Reason, failure.Message);
    }

    private async Task<Outcome> CreateAsync(ExternalClient<T, TResource> client, ReconcileContext<T> context, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var status = entity.CommonStatus;
        if (!client.Capabilities.HasFlag(Capabilities.Create))
        {
            return Outcome.ManualOrder(client.CreateOrder());
        }

        if (await client.CheckCreateAsync(cancellationToken).ConfigureAwait(false) is { Count: > 0 } violations)
        {
            return Outcome.Stalled(Reasons.InvalidSpec, BoundedText.List(violations, "; "));
        }

        // The intent, saved before the create: a lost answer is then found by name, never created twice.
        status.CreatePendingSince ??= CreateIntent.Now();
        context.Conditions.MarkReconciling(Reasons.Creating, $"Creating {_kind.Noun} '{entity.Metadata.Name}' on the platform.");
        await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        PlatformOperation operation;
        try
        {
            operation = await client.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformOutcomeUnknownException)
        {
            return Outcome.Unknown($"the create of {_kind.Noun} '{entity.Metadata.Name}'", _options.PollInterval);
        }

        status.ActivityId = operation.ActivityId;
        status.ExternalId = operation.ResourceId ?? status.ExternalId;
        status.CreatePendingSince = status.ExternalId is null ? status.CreatePendingSince : null;
        var creating = Outcome.Progressing(Reasons.Creating, $"Creating {_kind.Noun} '{entity.Metadata.Name}' on the platform (platform activity {operation.ActivityId}).", _polls.Next(operation.ActivityId))
            .Mark(context.Conditions);
        await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        context.Events.Publish(warning: false, Reasons.Creating, "Create", $"Creating {_kind.Noun} '{entity.Metadata.Name}' (platform activity {operation.ActivityId}).");
        return creating;
    }
}

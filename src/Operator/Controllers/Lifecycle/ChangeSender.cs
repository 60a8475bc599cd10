using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>
/// Brings an observed resource in line with the spec, one write per pass: a resource the platform is
/// still working on is waited for; one that cannot become the spec in place, or that the platform
/// reports failed, stalls; otherwise the first change of the client's plan that can be sent is sent
/// (one the operator refuses stalls, before a manual order would; a manual order stalls; a refused item is recorded and the next one tried). Once nothing is left
/// to send, the status is reported and Ready says whether the resource matches the spec.
/// </summary>
public sealed class ChangeSender<T, TResource>(ExternalClient<T, TResource> client, ReconcileContext<T> context, ActivityPolls polls, ReconcilerOptions options, string noun)
    where T : class, ICustomResource
{
    public async Task<Outcome> ConvergeAsync(Observation<TResource> observed, bool observe, CancellationToken cancellationToken)
    {
        if (observed.Busy)
        {
            client.Report(observed);
            return Outcome.Progressing(Reasons.WaitingForPlatform, $"The platform is still working on {noun} {observed.Id}.", options.PollInterval);
        }

        if (!observe && observed.CannotChangeInPlace is { } mismatch)
        {
            // Reported as the platform has it; nothing is sent, and Ready never claims the spec holds.
            client.Report(observed);
            return Outcome.Stalled(Reasons.CannotChangeInPlace, mismatch);
        }

        if (observed.Failed is { } failed)
        {
            client.Report(observed);
            return Outcome.Stalled(failed.Reason, failed.Message);
        }

        if (!observe && await SendNextAsync(observed, cancellationToken).ConfigureAwait(false) is { } sent)
        {
            return sent;
        }

        client.Report(observed);
        if (!observe && client.NotReadyBecause(observed) is { } unmet)
        {
            return Outcome.Stalled(Reasons.SpecNotMet, unmet);
        }

        var notShown = observed.NotShown is { Count: > 0 } fields ? $" The platform does not show {string.Join(", ", fields)}: not checked." : string.Empty;
        return observe
            ? Outcome.Ready(Reasons.Observed, $"{noun} {observed.Id} is observed; the operator never writes to it.{notShown}")
            : Outcome.Ready(Reasons.Provisioned, $"{noun} {observed.Id} matches the spec.{notShown}");
    }

    // The outcome of the first change sent, or null when there is none to send (up to date, or every item refused).
    private async Task<Outcome?> SendNextAsync(Observation<TResource> observed, CancellationToken cancellationToken)
    {
        await foreach (var change in client.PlanAsync(observed, cancellationToken).ConfigureAwait(false))
        {
            if (change.Refused is { } refused)
            {
                client.Report(observed);
                return Outcome.Stalled(refused.Reason, refused.Message, warn: true);
            }

            if (change.ManualOrder is { } order)
            {
                client.Report(observed);
                return Outcome.ManualOrder(order);
            }

            try
            {
                return await SendAsync(change, observed.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (PlatformRefusedException e) when (change.OnRefused is { } record)
            {
                // One item's refusal does not hold the others back; it is tried again when the spec changes.
                record(e.Message);
            }
            catch (PlatformOutcomeUnknownException)
            {
                return Outcome.Unknown($"{change.Action} of {noun} {observed.Id}", options.PollInterval);
            }
        }

        return null;
    }

    private async Task<Outcome> SendAsync(Change change, string id, CancellationToken cancellationToken)
    {
        var operation = await change.SendAsync(cancellationToken).ConfigureAwait(false);
        context.Entity.CommonStatus.ActivityId = operation.ActivityId;
        var updating = Outcome.Progressing(Reasons.Updating, $"Updating {noun} {id} to match the spec (platform activity {operation.ActivityId}): {change.Message}", polls.Next(operation.ActivityId))
            .Mark(context.Conditions);
        await context.SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        context.Events.Publish(change.Warning, change.Action, change.Action, $"{change.Message} (platform activity {operation.ActivityId}).");
        return updating;
    }
}

using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers;

/// <summary>
/// BackupPolicy: a service request (K2) that is pending (Requested), then fulfilled (Active) or
/// refused (Refused → Stalled with the provider's reason). Once Active, the policy is assigned to
/// each VM of the spec, one assignment at a time, with the disks to leave out (K3) and a backup
/// zone that is none of the VMs' zones (K1, X2); VMs that leave the spec are unassigned. Nothing is
/// ever sent for an empty list of VMs. Condition <c>Assigned</c> says which VMs are covered.
/// </summary>
public sealed class BackupPolicyReconciler(IPlatformConnections connections, CredentialsResolver credentials, INamespaceView view, ReconcilerOptions? options = null)
    : PlatformReconciler<BackupPolicy, BackupPolicyObservation>(connections, credentials, view, options), IReconciler<BackupPolicy>
{
    /// <summary>Condition type saying whether the policy applies to every VM of the spec.</summary>
    public const string Assigned = "Assigned";

    /// <summary>Reason of Stalled (and Assigned False) when the provider refused the service request.</summary>
    public const string RefusedReason = "Refused";

    private const string AssignedState = "Assigned";
    private const string PendingState = "Pending";
    private const string FailedState = "Failed";

    protected override string Noun => "backup policy";

    async Task<ReconcileResult> IReconciler<BackupPolicy>.ReconcileAsync(ReconcileContext<BackupPolicy> context, CancellationToken cancellationToken)
    {
        var result = await ReconcileAsync(context, cancellationToken).ConfigureAwait(false);
        var status = context.Entity.Status;
        if (status is null)
        {
            return result;
        }

        if (status.Phase == BackupPolicyPhase.Requested && status.RequestId is { } request
            && context.Conditions[ConditionTypes.Stalled] is { Status: ConditionStatus.True, Reason: "PlatformFailed" } failed)
        {
            // The service request's activity ends failed exactly when the provider refuses it (K2).
            status.Phase = BackupPolicyPhase.Refused;
            var message = $"The provider refused backup policy service request {request}: {failed.Message}";
            context.Conditions.Set(Assigned, ConditionStatus.False, RefusedReason, message);
            context.Conditions.MarkStalled(RefusedReason, message);
            return ReconcileResult.Done;
        }

        if (status.Phase == BackupPolicyPhase.Refused && context.Conditions[Assigned] is { Reason: RefusedReason } refused)
        {
            context.Conditions.MarkStalled(RefusedReason, refused.Message);
            return ReconcileResult.Done;
        }

        return result;
    }

    protected override Task<BackupPolicyObservation> GetAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Backup.GetPolicyAsync(id, cancellationToken);

    protected override Task<BackupPolicyObservation?> FindByNameAsync(IPlatform platform, BackupPolicy entity, CancellationToken cancellationToken) =>
        platform.Backup.FindPolicyByNameAsync(PolicyName(entity), cancellationToken);

    protected override string IdOf(BackupPolicyObservation observation) => observation.Id;

    protected override bool IsBusy(BackupPolicyObservation observation) => observation.Phase == BackupPolicyPhase.Requested;

    protected override async Task<PlatformOperation> CreateAsync(IPlatform platform, ReconcileContext<BackupPolicy> context, CancellationToken cancellationToken)
    {
        var entity = context.Entity;
        var spec = entity.Spec;
        if (await platform.Backup.GetRequesterAsync(cancellationToken).ConfigureAwait(false) is { } requester
            && TenancyRules.Check(entity, requester) is { Count: > 0 } violations)
        {
            throw new InvalidSpecException(string.Join("; ", violations));
        }

        var retention = new BackupRetentionSpecification(spec.Retention.Days, spec.Retention.Weeks, spec.Retention.Months, spec.Retention.Years);
        var request = new BackupPolicyRequestSpecification(
            spec.Organization, spec.Tenant, PolicyName(entity), spec.Contact.Name, spec.Contact.Email, spec.Contact.Phone, retention);
        var operation = await platform.Backup.RequestPolicyAsync(request, cancellationToken).ConfigureAwait(false);
        var status = entity.Status!;
        status.RequestId = operation.ResourceId;
        status.Phase = BackupPolicyPhase.Requested;
        context.Conditions.Set(Assigned, ConditionStatus.False, PendingState, $"The backup policy service request is pending (platform activity {operation.ActivityId}); VMs are assigned once the provider fulfils it.");
        return operation;
    }

    protected override async Task<PlatformOperation?> UpdateAsync(IPlatform platform, ReconcileContext<BackupPolicy> context, BackupPolicyObservation observed, CancellationToken cancellationToken)
    {
        if (observed.Phase != BackupPolicyPhase.Active)
        {
            return null;
        }

        var entity = context.Entity;
        var status = entity.Status!;
        var wanted = entity.Spec.VirtualMachines;
        var stale = observed.Assignments.FirstOrDefault(a => wanted.All(v => v.Name != a.VirtualMachine));
        if (stale is not null)
        {
            return await platform.Backup.UnassignAsync(observed.Id, stale.VirtualMachine, cancellationToken).ConfigureAwait(false);
        }

        var missing = wanted.Where(v => !IsAssigned(v, observed) && !HasFailedAtThisGeneration(entity, v.Name)).ToList();
        if (missing.Count == 0)
        {
            // Never an empty assignment: nothing is sent when every VM is covered (or there are none).
            return null;
        }

        var inventory = await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        var zone = BackupZone(wanted, inventory);
        foreach (var vm in missing)
        {
            if (inventory.All(i => i.Name != vm.Name))
            {
                SetVirtualMachine(status, vm.Name, FailedState, $"VM '{vm.Name}' does not exist on the platform.");
                continue;
            }

            try
            {
                var operation = await platform.Backup.AssignAsync(observed.Id, new BackupAssignmentSpecification(vm.Name, vm.ExcludedDisks, zone), cancellationToken).ConfigureAwait(false);
                SetVirtualMachine(status, vm.Name, PendingState, $"Being assigned (platform activity {operation.ActivityId}).");
                return operation;
            }
            catch (PlatformRefusedException e)
            {
                // One VM's refusal (e.g. an unknown disk, K3) does not hold the others back; it is tried again when the spec changes.
                SetVirtualMachine(status, vm.Name, FailedState, e.Message);
                context.Events.Publish(warning: true, "AssignmentRefused", "Assign", $"The platform refused to assign backup policy {observed.Id} to VM '{vm.Name}': {e.Message}");
            }
        }

        return null;
    }

    protected override Task<PlatformOperation> DeleteAsync(IPlatform platform, string id, CancellationToken cancellationToken) =>
        platform.Backup.DeletePolicyAsync(id, cancellationToken);

    protected override void Report(ReconcileContext<BackupPolicy> context, BackupPolicyObservation observed)
    {
        var entity = context.Entity;
        var status = entity.Status!;
        status.RequestId ??= observed.Id;
        status.Phase = observed.Phase;
        status.Billing = Billing(observed.Billing);
        if (observed.Phase == BackupPolicyPhase.Refused)
        {
            context.Conditions.Set(Assigned, ConditionStatus.False, RefusedReason,
                $"The provider refused backup policy service request {observed.Id}: {observed.RefusalReason ?? "no reason given"}.");
            return;
        }

        if (observed.Phase != BackupPolicyPhase.Active)
        {
            context.Conditions.Set(Assigned, ConditionStatus.False, PendingState, "The backup policy service request is pending; VMs are assigned once the provider fulfils it.");
            return;
        }

        status.Immutable = observed.Immutable;
        status.Encryption = observed.Encryption;
        var zones = observed.Assignments.Select(a => a.BackupZone).OfType<Zone>().Distinct().Order().ToList();
        status.BackupAvailabilityZone = zones.Count == 0 ? status.BackupAvailabilityZone : string.Join(", ", zones);

        var states = new List<VirtualMachineState>();
        foreach (var vm in entity.Spec.VirtualMachines)
        {
            var previous = status.VirtualMachines.Find(s => s.Name == vm.Name);
            states.Add(IsAssigned(vm, observed)
                ? new VirtualMachineState { Name = vm.Name, State = AssignedState, Message = Describe(observed.Assignments.First(a => a.VirtualMachine == vm.Name)) }
                : previous is { State: FailedState } && HasFailedAtThisGeneration(entity, vm.Name)
                    ? previous
                    : new VirtualMachineState { Name = vm.Name, State = PendingState, Message = "Waiting for the assignment." });
        }

        status.VirtualMachines = states;
        var notAssigned = states.Where(s => s.State != AssignedState).ToList();
        if (states.Count == 0)
        {
            context.Conditions.Set(Assigned, ConditionStatus.True, "NoVirtualMachines", "The policy is active and the spec names no VM to assign it to.");
        }
        else if (notAssigned.Count == 0)
        {
            context.Conditions.Set(Assigned, ConditionStatus.True, AssignedState, $"The policy applies to {BoundedText.List(states.Select(s => s.Name))}.");
        }
        else
        {
            context.Conditions.Set(Assigned, ConditionStatus.False, notAssigned.Any(s => s.State == FailedState) ? FailedState : PendingState,
                $"Not assigned: {BoundedText.List(notAssigned.Select(s => $"{s.Name} ({s.Message})"), "; ")}.");
        }
    }

    // A VM the platform does not know, or refused, keeps the policy from matching the spec: it is not Ready.
    protected override string? NotReadyBecause(BackupPolicy entity, BackupPolicyObservation observed) =>
        entity.Status?.VirtualMachines.Where(v => v.State == FailedState).ToList() is { Count: > 0 } failed
            ? $"The policy cannot be assigned to {BoundedText.List(failed.Select(f => $"{f.Name} ({f.Message})"), "; ")}. Fix the VM or the spec: a VM is tried again when the spec changes."
            : null;

    private static string PolicyName(BackupPolicy entity) => entity.Spec.PolicyName ?? entity.Metadata.Name;

    private static bool IsAssigned(BackupVirtualMachine vm, BackupPolicyObservation observed) =>
        observed.Assignments.FirstOrDefault(a => a.VirtualMachine == vm.Name) is { } assignment
        && assignment.ExcludedDisks.Order(StringComparer.Ordinal).SequenceEqual(vm.ExcludedDisks.Order(StringComparer.Ordinal));

    // A VM whose assignment failed is not tried again until the spec changes (a new generation).
    private static bool HasFailedAtThisGeneration(BackupPolicy entity, string name) =>
        entity.Status?.VirtualMachines.Find(s => s.Name == name) is { State: FailedState }
        && entity.Status.ObservedGeneration == entity.Metadata.Generation;

    // K1, X2: one zone for the whole policy, none of its VMs' zones; null (the platform's choice per VM) when they span every zone.
    private static Zone? BackupZone(IEnumerable<BackupVirtualMachine> wanted, IReadOnlyList<VirtualMachineObservation> inventory)
    {
        var vmZones = inventory.Where(i => wanted.Any(w => w.Name == i.Name)).Select(i => i.Zone).OfType<Zone>().ToHashSet();
        return PlatformCatalog.Zones.Where(z => !vmZones.Contains(z)).Select(z => (Zone?)z).FirstOrDefault();
    }

    private static void SetVirtualMachine(BackupPolicyStatus status, string name, string state, string message)
    {
        status.VirtualMachines.RemoveAll(s => s.Name == name);
        status.VirtualMachines.Add(new VirtualMachineState { Name = name, State = state, Message = message });
    }

    private static string Describe(BackupAssignmentObservation assignment) =>
        (assignment.BackupZone is { } zone ? $"Backed up to {zone}" : "Backed up to a zone of the platform's choice")
        + (assignment.ExcludedDisks.Count == 0 ? "." : $", without {string.Join(", ", assignment.ExcludedDisks)}.");
}

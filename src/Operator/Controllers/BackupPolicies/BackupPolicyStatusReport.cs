using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.BackupPolicies;

/// <summary>A BackupPolicy's status from what the platform shows: the phase, the figures, each VM's assignment, and the <see cref="BackupPolicyKind.Assigned"/> condition.</summary>
internal static class BackupPolicyStatusReport
{
    public const string AssignedState = "Assigned";
    public const string PendingState = "Pending";
    public const string FailedState = "Failed";

    public static void Report(BackupPolicy entity, ConditionSet conditions, BackupPolicyObservation observed, List<BillingLine> billing)
    {
        var status = entity.Status!;
        status.RequestId ??= observed.Id;
        status.Phase = observed.Phase;
        status.Billing = billing;
        if (observed.Phase == BackupPolicyPhase.Refused)
        {
            conditions.Set(BackupPolicyKind.Assigned, ConditionStatus.False, BackupPolicyKind.RefusedReason, Refusal(observed));
            return;
        }

        if (observed.Phase != BackupPolicyPhase.Active)
        {
            conditions.Set(BackupPolicyKind.Assigned, ConditionStatus.False, PendingState, "The backup policy service request is pending; VMs are assigned once the provider fulfils it.");
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
            conditions.Set(BackupPolicyKind.Assigned, ConditionStatus.True, "NoVirtualMachines", "The policy is active and the spec names no VM to assign it to.");
        }
        else if (notAssigned.Count == 0)
        {
            conditions.Set(BackupPolicyKind.Assigned, ConditionStatus.True, AssignedState, $"The policy applies to {BoundedText.List(states.Select(s => s.Name))}.");
        }
        else
        {
            conditions.Set(BackupPolicyKind.Assigned, ConditionStatus.False, notAssigned.Any(s => s.State == FailedState) ? FailedState : PendingState,
                $"Not assigned: {BoundedText.List(notAssigned.Select(s => $"{s.Name} ({s.Message})"), "; ")}.");
        }
    }

    /// <summary>Why the provider refused the service request, as Stalled and Assigned say it.</summary>
    public static string Refusal(BackupPolicyObservation observed) =>
        $"The provider refused backup policy service request {observed.Id}: {observed.RefusalReason ?? "no reason given"}.";

    public static bool IsAssigned(BackupVirtualMachine vm, BackupPolicyObservation observed) =>
        observed.Assignments.FirstOrDefault(a => a.VirtualMachine == vm.Name) is { } assignment
        && assignment.ExcludedDisks.Order(StringComparer.Ordinal).SequenceEqual(vm.ExcludedDisks.Order(StringComparer.Ordinal));

    /// <summary>A VM whose assignment failed is not tried again until the spec changes (a new generation).</summary>
    public static bool HasFailedAtThisGeneration(BackupPolicy entity, string name) =>
        entity.Status?.VirtualMachines.Find(s => s.Name == name) is { State: FailedState }
        && entity.Status.ObservedGeneration == entity.Metadata.Generation;

    public static void SetVirtualMachine(BackupPolicyStatus status, string name, string state, string message)
    {
        status.VirtualMachines.RemoveAll(s => s.Name == name);
        status.VirtualMachines.Add(new VirtualMachineState { Name = name, State = state, Message = message });
    }

    private static string Describe(BackupAssignmentObservation assignment) =>
        (assignment.BackupZone is { } zone ? $"Backed up to {zone}" : "Backed up to a zone of the platform's choice")
        + (assignment.ExcludedDisks.Count == 0 ? "." : $", without {string.Join(", ", assignment.ExcludedDisks)}.");
}

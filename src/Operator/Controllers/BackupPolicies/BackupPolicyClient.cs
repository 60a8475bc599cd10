using System.Runtime.CompilerServices;
using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;
using CloudTemple.Operator.Validation;

namespace CloudTemple.Operator.Controllers.BackupPolicies;

/// <summary>
/// A BackupPolicy on a platform whose API can do everything (the simulated one): the service request
/// is sent only for the organization and tenant of the credentials (G2); once the provider fulfils
/// it, the policy is assigned to each VM of the spec, one assignment at a time, with the disks to
/// leave out (K3) and a backup zone that is none of the VMs' zones (K1, X2); VMs that leave the spec
/// are unassigned first. Nothing is ever sent for an empty list of VMs. A VM the platform does not
/// know, or refuses, is reported Failed and tried again when the spec changes.
/// </summary>
public class BackupPolicyClient(IPlatform platform, ReconcileContext<BackupPolicy> context, ResolvedReferences references)
    : ExternalClient<BackupPolicy, BackupPolicyObservation>(context, references)
{
    protected IBackupDriver Backup { get; } = platform.Backup;

    public override async Task<Observation<BackupPolicyObservation>?> ObserveAsync(string id, CancellationToken cancellationToken) =>
        Observe(await OrNullAsync(Backup.GetPolicyAsync(id, cancellationToken)).ConfigureAwait(false));

    public override async Task<Observation<BackupPolicyObservation>?> FindAsync(CancellationToken cancellationToken) =>
        Observe(await Backup.FindPolicyByNameAsync(PolicyName, cancellationToken).ConfigureAwait(false));

    public override async Task<IReadOnlyList<string>> CheckCreateAsync(CancellationToken cancellationToken) =>
        await Backup.GetRequesterAsync(cancellationToken).ConfigureAwait(false) is { } requester
            ? [.. TenancyRules.Check(Entity, requester).Select(v => v.ToString())]
            : [];

    public override async Task<PlatformOperation> CreateAsync(CancellationToken cancellationToken)
    {
        var operation = await Backup.RequestPolicyAsync(Request(), cancellationToken).ConfigureAwait(false);
        var status = Entity.Status!;
        status.RequestId = operation.ResourceId;
        status.Phase = BackupPolicyPhase.Requested;
        Conditions.Set(BackupPolicyKind.Assigned, ConditionStatus.False, BackupPolicyStatusReport.PendingState,
            $"The backup policy service request is pending (platform activity {operation.ActivityId}); VMs are assigned once the provider fulfils it.");
        return operation;
    }

    /// <summary>VMs that left the spec are unassigned first; then each missing VM is assigned (the VMs are read only then).</summary>
    public override async IAsyncEnumerable<Change> PlanAsync(Observation<BackupPolicyObservation> observed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var policy = observed.Resource;
        if (policy.Phase != BackupPolicyPhase.Active)
        {
            yield break;
        }

        var wanted = Entity.Spec.VirtualMachines;
        foreach (var stale in policy.Assignments.Where(a => wanted.All(v => v.Name != a.VirtualMachine)))
        {
            yield return Unassign(policy.Id, stale.VirtualMachine);
        }

        // Never an empty assignment: nothing is sent when every VM is covered (or there are none).
        var missing = wanted.Where(v => !BackupPolicyStatusReport.IsAssigned(v, policy) && !BackupPolicyStatusReport.HasFailedAtThisGeneration(Entity, v.Name)).ToList();
        if (missing.Count == 0)
        {
            yield break;
        }

        var inventory = await platform.Compute.GetVirtualMachinesAsync(cancellationToken).ConfigureAwait(false);
        var zone = BackupZone(wanted, inventory);
        foreach (var vm in missing)
        {
            if (inventory.All(i => i.Name != vm.Name))
            {
                BackupPolicyStatusReport.SetVirtualMachine(Entity.Status!, vm.Name, BackupPolicyStatusReport.FailedState, $"VM '{vm.Name}' does not exist on the platform.");
                continue;
            }

            yield return Assign(policy.Id, new BackupAssignmentSpecification(vm.Name, vm.ExcludedDisks, zone));
        }
    }

    public override Task<PlatformOperation> DeleteAsync(string id, CancellationToken cancellationToken) =>
        Backup.DeletePolicyAsync(id, cancellationToken);

    public override void Report(Observation<BackupPolicyObservation> observed) =>
        BackupPolicyStatusReport.Report(Entity, Conditions, observed.Resource, Billing(observed.Resource.Billing));

    // A VM the platform does not know, or refused, keeps the policy from matching the spec: it is not Ready.
    public override string? NotReadyBecause(Observation<BackupPolicyObservation> observed) =>
        Entity.Status?.VirtualMachines.Where(v => v.State == BackupPolicyStatusReport.FailedState).ToList() is { Count: > 0 } failed
            ? $"The policy cannot be assigned to {BoundedText.List(failed.Select(f => $"{f.Name} ({f.Message})"), "; ")}. Fix the VM or the spec: a VM is tried again when the spec changes."
            : null;

    /// <summary>The order to place for an assignment the API cannot make; null: the API makes it.</summary>
    protected virtual string? AssignOrder(string policyId, BackupAssignmentSpecification assignment) => null;

    /// <summary>The order to place to take a VM out of the policy when the API cannot; null: the API does it.</summary>
    protected virtual string? UnassignOrder(string policyId, string virtualMachine) => null;

    /// <summary>The service request the spec asks for.</summary>
    protected BackupPolicyRequestSpecification Request()
    {
        var spec = Entity.Spec;
        var retention = new BackupRetentionSpecification(spec.Retention.Days, spec.Retention.Weeks, spec.Retention.Months, spec.Retention.Years);
        return new BackupPolicyRequestSpecification(spec.Organization, spec.Tenant, PolicyName, spec.Contact.Name, spec.Contact.Email, spec.Contact.Phone, retention);
    }

    private string PolicyName => Entity.Spec.PolicyName ?? Entity.Metadata.Name;

    private Change Unassign(string policyId, string virtualMachine) =>
        new("Updating", $"Unassigning backup policy {policyId} from VM '{virtualMachine}', which left spec.virtualMachines", ct => Backup.UnassignAsync(policyId, virtualMachine, ct))
        {
            ManualOrder = UnassignOrder(policyId, virtualMachine),
        };

    private Change Assign(string policyId, BackupAssignmentSpecification assignment)
    {
        var (status, name) = (Entity.Status!, assignment.VirtualMachine);
        return new Change("Updating", $"Assigning backup policy {policyId} to VM '{name}'", async ct =>
        {
            var operation = await Backup.AssignAsync(policyId, assignment, ct).ConfigureAwait(false);
            BackupPolicyStatusReport.SetVirtualMachine(status, name, BackupPolicyStatusReport.PendingState, $"Being assigned (platform activity {operation.ActivityId}).");
            return operation;
        })
        {
            ManualOrder = AssignOrder(policyId, assignment),

            // One VM's refusal (e.g. an unknown disk, K3) does not hold the others back; it is tried again when the spec changes.
            OnRefused = reason =>
            {
                BackupPolicyStatusReport.SetVirtualMachine(status, name, BackupPolicyStatusReport.FailedState, reason);
                Events.Publish(warning: true, "AssignmentRefused", "Assign", $"The platform refused to assign backup policy {policyId} to VM '{name}': {reason}");
            },
        };
    }

    // K1, X2: one zone for the whole policy, none of its VMs' zones; null (the platform's choice per VM) when they span every zone.
    private static Zone? BackupZone(IEnumerable<BackupVirtualMachine> wanted, IReadOnlyList<VirtualMachineObservation> inventory)
    {
        var vmZones = inventory.Where(i => wanted.Any(w => w.Name == i.Name)).Select(i => i.Zone).OfType<Zone>().ToHashSet();
        return PlatformCatalog.Zones.Where(z => !vmZones.Contains(z)).Select(z => (Zone?)z).FirstOrDefault();
    }

    private static Observation<BackupPolicyObservation>? Observe(BackupPolicyObservation? policy) =>
        policy is null
            ? null
            : new(policy, policy.Id)
            {
                Busy = policy.Phase == BackupPolicyPhase.Requested,
                Failed = policy.Phase == BackupPolicyPhase.Refused ? new Verdict(BackupPolicyKind.RefusedReason, BackupPolicyStatusReport.Refusal(policy)) : null,
            };
}

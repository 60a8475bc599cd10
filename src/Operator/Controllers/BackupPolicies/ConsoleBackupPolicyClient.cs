using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Platform.CloudTemple;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.BackupPolicies;

/// <summary>
/// A BackupPolicy on the console API: an SLA policy, observed and adopted, and assigned to VMs
/// through the public route (after the inventory job). Requesting, deleting and unassigning a policy,
/// and leaving disks out of an assignment, are console orders the object names instead of sending anything.
/// </summary>
public sealed class ConsoleBackupPolicyClient(IPlatform platform, ReconcileContext<BackupPolicy> context, ResolvedReferences references)
    : BackupPolicyClient(platform, context, references)
{
    public override Capabilities Capabilities => Capabilities.Observe;

    public override string CreateOrder() => ManualOrders.RequestBackupPolicy(Request()).Message;

    public override string DeleteOrder(string id) => ManualOrders.DeleteBackupPolicy(id).Message;

    protected override string? AssignOrder(string policyId, BackupAssignmentSpecification assignment) =>
        assignment.ExcludedDisks.Count > 0 ? ManualOrders.ExcludeDisks(policyId, assignment).Message : null;

    protected override string? UnassignOrder(string policyId, string virtualMachine) => ManualOrders.Unassign(policyId, virtualMachine).Message;
}

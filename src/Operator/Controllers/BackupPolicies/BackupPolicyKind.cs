using CloudTemple.Operator.Controllers.Lifecycle;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Controllers.BackupPolicies;

/// <summary>
/// BackupPolicy: a service request (K2) that is pending (Requested), then fulfilled (Active) or
/// refused (Refused → Stalled with the provider's reason), then assigned to each VM of the spec.
/// Condition <see cref="Assigned"/> says which VMs are covered.
/// </summary>
public sealed class BackupPolicyKind : ManagedKind<BackupPolicy, BackupPolicyObservation>
{
    /// <summary>Condition type saying whether the policy applies to every VM of the spec.</summary>
    public const string Assigned = "Assigned";

    /// <summary>Reason of Stalled (and Assigned False) when the provider refused the service request.</summary>
    public const string RefusedReason = "Refused";

    public override string Noun => "backup policy";

    public override ExternalClient<BackupPolicy, BackupPolicyObservation> Connect(IPlatform platform, ReconcileContext<BackupPolicy> context, ResolvedReferences references) =>
        platform.Api == PlatformApi.Console
            ? new ConsoleBackupPolicyClient(platform, context, references)
            : new BackupPolicyClient(platform, context, references);
}

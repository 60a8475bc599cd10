using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Platform;

namespace CloudTemple.Operator.Validation;

/// <summary>
/// G2: every resource belongs to the tenant of the credentials it is made with. The platform takes the
/// tenant from the token, never from a request's body, so a BackupPolicy may name only the
/// organization and tenant of its own credentials: the webhook refuses the others when the platform
/// can tell them, and the reconciler refuses them before any service request is sent.
/// </summary>
public static class TenancyRules
{
    /// <summary>The fields of <paramref name="policy"/> that name another organization or tenant than <paramref name="requester"/>'s.</summary>
    public static IReadOnlyList<Violation> Check(BackupPolicy policy, TenantIdentity requester)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(requester);
        var credentials = $"this namespace's credentials belong to tenant '{requester.TenantName}' of organization '{requester.OrganizationName}'";
        var violations = new List<Violation>();
        if (!string.Equals(policy.Spec.Organization, requester.OrganizationName, StringComparison.Ordinal))
        {
            violations.Add(new("spec.organization", "G2", $"{credentials}: a backup policy cannot be requested for organization '{policy.Spec.Organization}'"));
        }

        if (!string.Equals(policy.Spec.Tenant, requester.TenantName, StringComparison.Ordinal))
        {
            violations.Add(new("spec.tenant", "G2", $"{credentials}: a backup policy cannot be requested for tenant '{policy.Spec.Tenant}'"));
        }

        return violations;
    }

    /// <summary>The webhook's check: refuses when the platform tells whose the credentials are and the policy names someone else.</summary>
    public static async Task<IReadOnlyList<Violation>> CheckAsync(ICustomResource current, ICustomResource? old, ITenantDirectory? tenants, CancellationToken cancellationToken)
    {
        if (current is not BackupPolicy policy || tenants is null
            || (old is BackupPolicy previous && previous.Spec.Organization == policy.Spec.Organization && previous.Spec.Tenant == policy.Spec.Tenant))
        {
            return [];
        }

        return await tenants.RequesterAsync(current, cancellationToken).ConfigureAwait(false) is { } requester ? Check(policy, requester) : [];
    }
}

using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// The backup service's view of the VMs (<c>/api/backup/v1/spp</c>) and the SLA assignment. An
/// assignment fails for a VM the backup inventory has not seen yet, so the catalog job "Hypervisor
/// Inventory" runs first; an empty assignment can leave its activity waiting forever, so none is
/// ever sent (cloud-temple-api.md). The simulated platform serves the same routes.
/// </summary>
internal sealed class BackupInventory(PlatformSession session)
{
    /// <summary>The catalog job that brings new VMs into the backup inventory.</summary>
    public const string InventoryJobName = "Hypervisor Inventory";

    private const string Spp = "api/backup/v1/spp";

    /// <summary>Runs the inventory job; the operation's resource is the job.</summary>
    public async Task<PlatformOperation> RunInventoryJobAsync(CancellationToken cancellationToken)
    {
        var jobs = await session.GetAsync<List<JobView>>($"{Spp}/jobs?type=catalog", cancellationToken).ConfigureAwait(false);
        var job = jobs.FirstOrDefault(j => j.Name == InventoryJobName)
            ?? throw new PlatformNotFoundException($"The backup service has no catalog job named '{InventoryJobName}'");
        var operation = await session.WriteAsync(HttpMethod.Post, $"{Spp}/jobs/run", new { jobId = job.Id }, new($"run of job '{InventoryJobName}'", "job", ResourceId: job.Id), cancellationToken).ConfigureAwait(false);
        return operation with { ResourceId = operation.ResourceId ?? job.Id };
    }

    /// <summary>The VM as the backup inventory has it, or null when the inventory has not seen it (404).</summary>
    public async Task<BackupVirtualMachineView?> FindAsync(string virtualMachineId, CancellationToken cancellationToken)
    {
        try
        {
            return await session.GetAsync<BackupVirtualMachineView>($"{Spp}/virtual_machines/{Uri.EscapeDataString(virtualMachineId)}", cancellationToken).ConfigureAwait(false);
        }
        catch (PlatformNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Assigns SLA policies to VMs; both lists must be non-empty.</summary>
    public Task<PlatformOperation> AssignAsync(IReadOnlyList<string> virtualMachineIds, IReadOnlyList<string> policyIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(virtualMachineIds);
        ArgumentNullException.ThrowIfNull(policyIds);
        if (virtualMachineIds.Count == 0 || policyIds.Count == 0)
        {
            // An empty assignment can leave the activity waiting forever on the real platform: never send one.
            throw new ArgumentException("An SLA assignment names at least one virtual machine and one policy.", nameof(virtualMachineIds));
        }

        var body = new { virtualMachineIds, slaPolicies = policyIds };
        return session.WriteAsync(
            HttpMethod.Post,
            $"{Spp}/policies/assign/virtual_machine",
            body,
            new($"SLA assignment of {string.Join(", ", policyIds)} to {string.Join(", ", virtualMachineIds)}", "virtualMachine", ResourceId: virtualMachineIds[0], Touches: [.. virtualMachineIds, .. policyIds]),
            cancellationToken);
    }
}

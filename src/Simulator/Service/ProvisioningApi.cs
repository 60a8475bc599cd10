using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Simulator.Model;
using Cpool = CloudTemple.Operator.Simulator.Model.Cpool;
using BlockVolume = CloudTemple.Operator.Simulator.Model.BlockVolume;
using BackupPolicy = CloudTemple.Operator.Simulator.Model.BackupPolicy;
using HsmKeyProvider = CloudTemple.Operator.Simulator.Model.HsmKeyProvider;
using Vlan = CloudTemple.Operator.Simulator.Model.Vlan;

namespace CloudTemple.Operator.Simulator.Service;

/// <summary>
/// The simulator's own provisioning API, under <see cref="Prefix"/>, for what the public API cannot
/// order (console orders and support requests): Cpools, block volumes, VLANs, backup policy requests,
/// VM replications, HSM key providers, and the figures the operator reports in status. Writes answer
/// 202 with the activity in Location and <c>{activityId, resourceId}</c>; refusals 400 (409 on a
/// conflict) with the rule; unknown ids 404; another tenant's resources 403.
/// </summary>
internal static class ProvisioningApi
{
    /// <summary>The root of the simulator's own routes.</summary>
    public const string Prefix = "/api/simulator/v1";

    public static void Map(WebApplication app, SimulatedPlatform platform)
    {
        var api = app.MapGroup(Prefix);
        IResult Own(HttpContext c, string id, Func<object?> read)
        {
            Api.RequireOwn(platform, c, id);
            return Results.Json(read());
        }

        IResult Write(HttpContext c, string id, Func<Accepted> write)
        {
            Api.RequireOwn(platform, c, id);
            return Api.Accepted(write());
        }

        api.MapGet("/tenant", (HttpContext c) =>
        {
            var tenant = platform.GetTenant(Tenant(c))!;
            var organization = platform.GetOrganization(tenant.OrganizationId)!;
            return new { tenantId = tenant.Id, tenantName = tenant.Name, organizationId = organization.Id, organizationName = organization.Name, hsmSubscription = tenant.HsmSubscription };
        });

        // The caller's organization and its tenants (N3).
        api.MapGet("/organization", (HttpContext c) =>
        {
            var organization = platform.GetOrganization(platform.GetTenant(Tenant(c))!.OrganizationId)!;
            return new { organizationId = organization.Id, organizationName = organization.Name, tenantIds = platform.GetTenantsOf(organization.Id).Select(t => t.Id) };
        });

        // Cpools (C1–C10)
        api.MapGet("/cpools", (HttpContext c) => platform.GetCpools(Tenant(c)).Select(p => CpoolView(platform, p)));
        api.MapGet("/cpools/{id}", (string id, HttpContext c) => Own(c, id, () => CpoolView(platform, platform.GetCpool(id)!)));
        api.MapPost("/cpools", (CpoolRequest request, HttpContext c) => Api.Accepted(platform.CreateCpool(Tenant(c), request)));
        api.MapPut("/cpools/{id}", (string id, CpoolRequest request, HttpContext c) => Write(c, id, () => platform.UpdateCpool(id, request)));
        api.MapPost("/cpools/{id}/hypervisor-update", (string id, HypervisorUpdateRequest request, HttpContext c) => Write(c, id, () => platform.UpdateHypervisor(id, request.Build)));
        api.MapDelete("/cpools/{id}", (string id, HttpContext c) => Write(c, id, () => platform.Delete(id)));

        // Block volumes (B1–B15)
        api.MapGet("/block-volumes", (HttpContext c) => platform.GetBlockVolumes(Tenant(c)).Select(v => VolumeView(platform, v)));
        api.MapGet("/block-volumes/{id}", (string id, HttpContext c) => Own(c, id, () => VolumeView(platform, platform.GetBlockVolume(id)!)));
        api.MapPost("/block-volumes", (VolumeRequest r, HttpContext c) => Api.Accepted(platform.CreateBlockVolume(Tenant(c), r.Name, r.Zone, r.StorageClass, r.SizeGiB)));
        api.MapPut("/block-volumes/{id}", (string id, VolumeUpdateRequest r, HttpContext c) => Write(c, id, () => platform.UpdateBlockVolume(id, r.StorageClass, r.SizeGiB)));
        api.MapPost("/block-volumes/{id}/mount", (string id, CpoolReference r, HttpContext c) => Write(c, id, () => platform.MountBlockVolume(id, r.CpoolId)));
        api.MapPost("/block-volumes/{id}/unmount", (string id, CpoolReference r, HttpContext c) => Write(c, id, () => platform.UnmountBlockVolume(id, r.CpoolId)));
        api.MapPost("/block-volumes/{id}/global-mirror", (string id, GlobalMirrorRequest r, HttpContext c) =>
            Write(c, id, () => platform.EnableGlobalMirror(id, r.Mode, r.TargetZone, r.StandbyCpoolId)));
        api.MapPost("/block-volumes/{id}/global-mirror/failover", (string id, HttpContext c) => Write(c, id, () => platform.FailoverGlobalMirror(id)));
        api.MapDelete("/block-volumes/{id}", (string id, HttpContext c) => Write(c, id, () => platform.Delete(id)));

        // VLANs (N1–N5)
        api.MapGet("/vlans", (HttpContext c) => platform.GetVlans(Tenant(c)).Select(v => VlanView(platform, v)));
        api.MapGet("/vlans/{id}", (string id, HttpContext c) => Own(c, id, () => VlanView(platform, platform.GetVlan(id)!)));
        api.MapPost("/vlans", (VlanRequest request, HttpContext c) => Api.Accepted(platform.CreateVlan(Tenant(c), request)));
        api.MapPut("/vlans/{id}", (string id, VlanRequest request, HttpContext c) => Write(c, id, () => platform.UpdateVlan(id, request)));
        api.MapDelete("/vlans/{id}", (string id, HttpContext c) => Write(c, id, () => platform.Delete(id)));

        // Backup policies: the service request (K2) and per-VM assignment (K1, K3)
        api.MapGet("/backup-policies", (HttpContext c) => platform.GetBackupPolicies().Where(p => (p.TenantId ?? p.RequestedBy) == Tenant(c)).Select(p => BackupView(platform, p)));
        api.MapGet("/backup-policies/{id}", (string id, HttpContext c) => Own(c, id, () => BackupView(platform, platform.GetBackupPolicy(id)!)));
        api.MapPost("/backup-policies", (BackupPolicyRequest request, HttpContext c) => Api.Accepted(platform.RequestBackupPolicy(request, Tenant(c))));
        api.MapPost("/backup-policies/{id}/assignments", (string id, AssignmentRequest r, HttpContext c) =>
            Write(c, id, () => platform.AssignBackupPolicy(id, r.VirtualMachine, r.ExcludedDisks, r.BackupZone)));
        api.MapDelete("/backup-policies/{id}/assignments/{vmName}", (string id, string vmName, HttpContext c) => Write(c, id, () => platform.UnassignBackupPolicy(id, vmName)));
        api.MapDelete("/backup-policies/{id}", (string id, HttpContext c) => Write(c, id, () => platform.Delete(id)));

        // VM replications (V1–V5)
        api.MapGet("/vm-replications", (HttpContext c) => platform.GetVmReplications(Tenant(c)).Select(r => ReplicationView(platform, platform.GetVmReplication(r.Id)!)));
        api.MapGet("/vm-replications/{id}", (string id, HttpContext c) => Own(c, id, () => ReplicationView(platform, platform.GetVmReplication(id)!)));
        api.MapPost("/vm-replications", (ReplicationRequest r, HttpContext c) =>
            Api.Accepted(platform.CreateVmReplication(Tenant(c), r.VirtualMachine, r.TargetCpoolId, r.TargetVolumeId, r.RpoHours)));
        api.MapPost("/vm-replications/{id}/failover", (string id, HttpContext c) => Write(c, id, () => platform.FailoverVmReplication(id)));
        api.MapDelete("/vm-replications/{id}", (string id, HttpContext c) => Write(c, id, () => platform.Delete(id)));

        // HSM key providers and VM encryption (H1–H7)
        api.MapGet("/hsm-key-providers", (HttpContext c) => platform.GetHsmKeyProviders(Tenant(c)).Select(p => ProviderView(platform, p)));
        api.MapGet("/hsm-key-providers/{id}", (string id, HttpContext c) => Own(c, id, () => ProviderView(platform, platform.GetHsmKeyProvider(id)!)));
        api.MapPost("/hsm-key-providers", (NameRequest r, HttpContext c) => Api.Accepted(platform.CreateHsmKeyProvider(Tenant(c), r.Name)));
        api.MapPost("/hsm-key-providers/{id}/activate", (string id, CpoolReference r, HttpContext c) => Write(c, id, () => platform.ActivateHsmKeyProvider(id, r.CpoolId)));
        api.MapPost("/hsm-key-providers/{id}/encrypt", (string id, VmReference r, HttpContext c) => Write(c, id, () => platform.EncryptVirtualMachine(id, r.VirtualMachine)));
        api.MapPost("/hsm-key-providers/{id}/decrypt", (string id, VmReference r, HttpContext c) => Write(c, id, () => platform.DecryptVirtualMachine(id, r.VirtualMachine)));
        api.MapGet("/hsm-key-providers/{id}/encryption/{vmName}", (string id, string vmName, HttpContext c) => Own(c, id, () => platform.GetEncryptionReport(id, vmName)));
        api.MapDelete("/hsm-key-providers/{id}", (string id, HttpContext c) => Write(c, id, () => platform.Delete(id)));

        // The inventory the operator does not manage: VMs
        api.MapGet("/virtual-machines", (HttpContext c) => platform.GetVirtualMachines(Tenant(c)));
        api.MapGet("/virtual-machines/{name}", (string name, HttpContext c) =>
            platform.GetVirtualMachine(Tenant(c), name) is { } vm ? Results.Json(vm) : Api.Error(StatusCodes.Status404NotFound, $"Virtual machine '{name}' not found"));
        api.MapPost("/virtual-machines", (VirtualMachineRequest r, HttpContext c) => Results.Json(platform.AddVirtualMachine(Tenant(c), r), statusCode: StatusCodes.Status201Created));
        api.MapPut("/virtual-machines/{name}/power-state", (string name, PowerRequest r, HttpContext c) => platform.SetPowerState(Tenant(c), name, r.PowerState));
        api.MapPut("/virtual-machines/{name}/snapshots", (string name, SnapshotsRequest r, HttpContext c) => platform.SetSnapshotCount(Tenant(c), name, r.Count));

        // Figures of any resource: billing (X3) and its operations
        api.MapGet("/resources/{id}/billing", (string id, HttpContext c) => Own(c, id, () => platform.GetBilling(id)));
        api.MapGet("/resources/{id}/operations", (string id, HttpContext c) =>
            Own(c, id, () => platform.GetOperationsOn(id).Select(Api.Activity)));
    }

    private static string Tenant(HttpContext context) => Api.Caller(context).TenantId;

    private static object CpoolView(SimulatedPlatform platform, Cpool cpool) => new
    {
        cpool.Id,
        cpool.Name,
        cpool.TenantId,
        cpool.Zone,
        cpool.BladeType,
        cpool.Hosts,
        cpool.MemoryGiB,
        cpool.MemoryMinGiB,
        cpool.MemoryMaxGiB,
        cpool.Gpus,
        cpool.HighAvailability,
        cpool.HighAvailabilityApplicable,
        cpool.HypervisorBuild,
        cpool.Update,
        cpool.AffinityRules,
        cpool.State,
        Usage = cpool.State == ProvisioningState.Deleting ? null : platform.GetCpoolUsage(cpool.Id),
        Billing = platform.GetBilling(cpool.Id),
    };

    private static object VolumeView(SimulatedPlatform platform, BlockVolume volume) => new
    {
        volume.Id,
        volume.Name,
        volume.TenantId,
        volume.Zone,
        volume.StorageClass,
        volume.SizeGiB,
        volume.IopsLimit,
        Encryption = BlockVolume.Encryption,
        volume.CpoolIds,
        volume.Replication,
        volume.ReplicaOf,
        volume.State,
        Usage = volume.State == ProvisioningState.Deleting ? null : platform.GetVolumeUsage(volume.Id),
        Billing = platform.GetBilling(volume.Id),
    };

    // Every view carries its billing (X3): one read per resource, not two.
    private static object VlanView(SimulatedPlatform platform, Vlan vlan) => new
    {
        vlan.Id,
        vlan.Name,
        vlan.TenantId,
        vlan.Dot1QId,
        vlan.Zones,
        vlan.CpoolIds,
        vlan.SharedWithTenantIds,
        vlan.State,
        Billing = platform.GetBilling(vlan.Id),
    };

    private static object BackupView(SimulatedPlatform platform, BackupPolicy policy) => new
    {
        policy.Id,
        policy.Name,
        policy.TenantId,
        policy.Request,
        policy.Phase,
        policy.RefusalReason,
        policy.Assignments,
        Encryption = BackupPolicy.Encryption,
        BackupPolicy.Immutable,
        Billing = platform.GetBilling(policy.Id),
    };

    private static object ReplicationView(SimulatedPlatform platform, VmReplicationReport report) => new
    {
        report.Replication.Id,
        report.Replication.TenantId,
        report.Replication.VirtualMachine,
        report.Replication.SourceZone,
        report.Replication.TargetCpoolId,
        report.Replication.TargetVolumeId,
        report.Replication.TargetZone,
        report.Replication.RpoHours,
        report.Replication.InitialSyncDone,
        report.Replication.FailedOver,
        report.Replication.State,
        report.Phase,
        report.LastSyncTime,
        Billing = platform.GetBilling(report.Replication.Id),
    };

    private static object ProviderView(SimulatedPlatform platform, HsmKeyProvider provider) => new
    {
        provider.Id,
        provider.Name,
        provider.TenantId,
        provider.ActiveCpoolIds,
        provider.State,
        provider.KmipEndpoint,
        Hsm = HsmKeyProvider.Hsm,
        Kms = HsmKeyProvider.Kms,
        Zones = HsmKeyProvider.Zones,
        Billing = platform.GetBilling(provider.Id),
    };

    internal sealed record HypervisorUpdateRequest(string Build);

    internal sealed record VolumeRequest(string Name, Zone Zone, StorageClass StorageClass, long SizeGiB);

    internal sealed record VolumeUpdateRequest(StorageClass StorageClass, long SizeGiB);

    internal sealed record CpoolReference(string CpoolId);

    internal sealed record GlobalMirrorRequest(Zone TargetZone, string StandbyCpoolId, ReplicationMode Mode = ReplicationMode.Async);

    internal sealed record AssignmentRequest(string VirtualMachine, List<string>? ExcludedDisks = null, Zone? BackupZone = null);

    internal sealed record ReplicationRequest(string VirtualMachine, string TargetCpoolId, string TargetVolumeId, int RpoHours);

    internal sealed record NameRequest(string Name);

    internal sealed record VmReference(string VirtualMachine);

    internal sealed record PowerRequest(PowerState PowerState);

    internal sealed record SnapshotsRequest(int Count);
}

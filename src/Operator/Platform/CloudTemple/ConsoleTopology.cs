using CloudTemple.Operator.Entities.Catalog;
using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Platform.CloudTemple;

/// <summary>
/// The tenant's VMware estate as the console API shows it: host clusters, their hosts, and the zone
/// of each (a site is a virtual datacenter named after it, e.g. <c>DC-TH3S</c>). Datastores and
/// networks name the hosts that see them; this is how they are tied to Cpools and zones.
/// </summary>
internal sealed class ConsoleTopology(IReadOnlyList<HostClusterView> clusters, IReadOnlyList<HostView> hosts)
{
    private const string Compute = "api/compute/v1/vcenters";

    /// <summary>The host clusters.</summary>
    public IReadOnlyList<HostClusterView> Clusters { get; } = clusters;

    /// <summary>The hosts.</summary>
    public IReadOnlyList<HostView> Hosts { get; } = hosts;

    /// <summary>Reads the clusters and the hosts (the session's shared lists).</summary>
    public static async Task<ConsoleTopology> ReadAsync(PlatformSession session, CancellationToken cancellationToken)
    {
        var clusters = await session.ListAllAsync<HostClusterView>($"{Compute}/host_clusters", cancellationToken).ConfigureAwait(false);
        var hosts = await session.ListAllAsync<HostView>($"{Compute}/hosts", cancellationToken).ConfigureAwait(false);
        return new ConsoleTopology(clusters, hosts);
    }

    /// <summary>The ids of the clusters that own any of these hosts (given by id or name), in a stable order.</summary>
    public IReadOnlyList<string> ClustersOf(IEnumerable<string>? hostNames)
    {
        var names = (hostNames ?? []).ToHashSet(StringComparer.Ordinal);
        var hostIds = Hosts.Where(h => names.Contains(h.Id) || (h.Name is not null && names.Contains(h.Name))).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        hostIds.UnionWith(names);
        return [.. Clusters.Where(c => (c.Hosts ?? []).Any(h => hostIds.Contains(h.Id))).Select(c => c.Id).Order(StringComparer.Ordinal)];
    }

    /// <summary>The zones of these clusters, in order.</summary>
    public IReadOnlyList<Zone> ZonesOf(IEnumerable<string> clusterIds)
    {
        var ids = clusterIds.ToHashSet(StringComparer.Ordinal);
        return [.. Clusters.Where(c => ids.Contains(c.Id)).Select(c => ZoneOf(c.Datacenter, $"host cluster {c.Id}")).Distinct().Order()];
    }

    /// <summary>
    /// The zone of a virtual datacenter, from its name (<c>DC-PAR7S</c>, <c>DC-TH3S</c>, <c>DC-AZ07</c>
    /// or <c>DC-DATA4</c>) or id (<c>FR1-AZ05</c>…). A datacenter the driver cannot place is an error that names it.
    /// </summary>
    public static Zone ZoneOf(NamedView? datacenter, string owner) =>
        TryZoneOf(datacenter) ?? throw new PlatformException(
            $"The console API places {owner} in datacenter '{datacenter?.Name ?? datacenter?.Id ?? "(none)"}', which names no availability zone the operator knows ({string.Join(", ", PlatformCatalog.Zones)})");

    /// <summary>The zone of a virtual datacenter, or null when its name and id name none.</summary>
    public static Zone? TryZoneOf(NamedView? datacenter)
    {
        foreach (var text in new[] { datacenter?.Name, datacenter?.Id })
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            foreach (var zone in PlatformCatalog.Zones)
            {
                if (text.Contains(zone.ToString(), StringComparison.OrdinalIgnoreCase)
                    || text.Contains(PlatformCatalog.PlatformZoneName(zone), StringComparison.OrdinalIgnoreCase)
                    || (zone == Zone.AZ07 && text.Contains("DATA4", StringComparison.OrdinalIgnoreCase)))
                {
                    return zone;
                }
            }
        }

        return null;
    }
}

using CloudTemple.Operator.Platform.Http;

namespace CloudTemple.Operator.Tests.Platform.Console;

/// <summary>The partitions of the client-side rate limits: per product, authentication, datastores (pure).</summary>
public sealed class RateLimitPartitionTests
{
    [Theory]
    [InlineData("api/compute/v1/vcenters/hosts", "compute")]
    [InlineData("/api/compute/v1/vcenters/datastores/ds-1", "compute")]
    [InlineData("api/backup/v1/spp/jobs?type=catalog", "backup")]
    [InlineData("api/activity/v1/activities/act-1", "activity")]
    [InlineData("api/iam/v2/auth/personal_access_token", "iam")]
    public void TheProductOfARoute_IsTheModuleAfterApi(string path, string product) =>
        Assert.Equal(product, RequestRateLimits.ProductOf(path));

    [Theory]
    [InlineData("api/compute/v1/vcenters/datastores", true)]
    [InlineData("api/compute/v1/vcenters/datastores/ds-1", true)]
    [InlineData("/api/compute/v1/vcenters/datastores?name[]=vol-1", true)]
    [InlineData("api/compute/v1/vcenters/hosts", false)]
    [InlineData("api/compute/v1/vcenters/virtual_machines?datastores[]=ds-1", false)]
    public void DatastoreRoutes_AreToldApart(string path, bool datastores) =>
        Assert.Equal(datastores, RequestRateLimits.IsDatastores(path));

    [Theory]
    [InlineData("api/iam/v2/auth/personal_access_token", true)]
    [InlineData("/api/iam/v2/auth/personal_access_token", true)]
    [InlineData("api/iam/v2/users", false)]
    [InlineData("api/compute/v1/vcenters/hosts", false)]
    public void TheTokenExchange_IsTheAuthenticationPartition(string path, bool authentication) =>
        Assert.Equal(authentication, RequestRateLimits.IsAuthentication(path));
}

using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Validation;
using CloudTemple.Operator.Webhooks;

namespace CloudTemple.Operator.Tests.Webhooks;

public sealed class AdmissionHandlerTests
{
    private static readonly INamespaceView s_empty = new EmptyNamespace();

    [Fact]
    public async Task AValidObject_IsAllowed_WithTheRequestsUid()
    {
        var answer = await AdmissionHandler.ReviewAsync<BlockVolume>(Review("CREATE", Volume(2048)), s_empty, CancellationToken.None);

        Assert.Equal("admission.k8s.io/v1", (string?)answer["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)answer["kind"]);
        Assert.Equal("uid-1", (string?)answer["response"]!["uid"]);
        Assert.True((bool)answer["response"]!["allowed"]!);
        Assert.Null(answer["response"]!["status"]);
    }

    [Fact]
    public async Task AShrinkingUpdate_IsRefused_With422AndTheFieldAndRule()
    {
        var answer = await AdmissionHandler.ReviewAsync<BlockVolume>(Review("UPDATE", Volume(1024), Volume(2048)), s_empty, CancellationToken.None);

        var response = answer["response"]!;
        Assert.False((bool)response["allowed"]!);
        Assert.Equal(422, (int)response["status"]!["code"]!);
        Assert.Equal("Invalid", (string?)response["status"]!["reason"]);
        Assert.StartsWith("spec.sizeGiB: a volume can grow, never shrink", (string?)response["status"]!["message"], StringComparison.Ordinal);
        Assert.EndsWith("(rule B8)", (string?)response["status"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADelete_IsAllowed() =>
        Assert.True((bool)(await AdmissionHandler.ReviewAsync<BlockVolume>(Review("DELETE", Volume(1024)), s_empty, CancellationToken.None))["response"]!["allowed"]!);

    private static JsonObject Review(string operation, JsonObject current, JsonObject? old = null) => new()
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "uid-1",
            ["operation"] = operation,
            ["namespace"] = "tenant",
            ["object"] = current,
            ["oldObject"] = old,
        },
    };

    private static JsonObject Volume(long size) => new()
    {
        ["apiVersion"] = "iaas.cloud-temple.com/v1alpha1",
        ["kind"] = "BlockVolume",
        ["metadata"] = new JsonObject { ["name"] = "data" },
        ["spec"] = new JsonObject { ["availabilityZone"] = "PAR7S", ["storageClass"] = "premium", ["sizeGiB"] = size },
    };

    private sealed class EmptyNamespace : INamespaceView
    {
        public Task<T?> FindAsync<T>(string namespaceName, string name, CancellationToken cancellationToken)
            where T : class, ICustomResource => Task.FromResult<T?>(null);

        public Task<IReadOnlyList<T>> ListAsync<T>(string namespaceName, CancellationToken cancellationToken)
            where T : class, ICustomResource => Task.FromResult<IReadOnlyList<T>>([]);

        public Task<IReadOnlyList<ExternalIdClaim>> ClaimsAsync(Type entityType, string externalId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ExternalIdClaim>>([]);
    }
}

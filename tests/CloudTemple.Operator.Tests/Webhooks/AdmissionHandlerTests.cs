using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Validation;
using CloudTemple.Operator.Webhooks;

using CloudTemple.Operator.Tests.Validation;

namespace CloudTemple.Operator.Tests.Webhooks;

public sealed class AdmissionHandlerTests
{
    private static readonly INamespaceView s_empty = new InMemoryNamespaceView();

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
    public async Task ADelete_IsAllowed_WithoutReadingTheNamespace()
    {
        var review = Review("DELETE", current: null, old: Volume(1024));

        var answer = await AdmissionHandler.ReviewAsync<BlockVolume>(review, new UnreachableNamespace(), CancellationToken.None);

        Assert.True(Allowed(answer));
    }

    [Fact]
    public async Task AFinalizerOnlyUpdate_IsAllowed_WithoutCheckingTheSpec_EvenWhenTheSpecBreaksTheRulesNow()
    {
        // A volume from before the bounds, with a size no rule lets through today; only its finalizers change.
        var old = Volume(1024);
        old["metadata"]!["finalizers"] = new JsonArray("iaas.cloud-temple.com/finalizer");
        old["metadata"]!["deletionTimestamp"] = "2025-01-01T00:00:00Z";
        var current = Volume(1024);
        current["metadata"]!["deletionTimestamp"] = "2025-01-01T00:00:00Z";
        old["spec"]!["sizeGiB"] = 9_000_000_000_000_000_000;
        current["spec"]!["sizeGiB"] = 9_000_000_000_000_000_000;

        var answer = await AdmissionHandler.ReviewAsync<BlockVolume>(Review("UPDATE", current, old), new UnreachableNamespace(), CancellationToken.None);

        Assert.True(Allowed(answer));
    }

    [Fact]
    public async Task AStatusOrLabelOnlyUpdate_IsAllowed_WithoutCheckingTheSpec()
    {
        var old = Cpool(hosts: 3, memory: 5000);
        var current = Cpool(hosts: 3, memory: 5000);
        current["metadata"]!["labels"] = new JsonObject { ["team"] = "payments" };
        current["status"] = new JsonObject { ["hosts"] = 3 };

        Assert.True(Allowed(await AdmissionHandler.ReviewAsync<Cpool>(Review("UPDATE", current, old, "Cpool"), new UnreachableNamespace(), CancellationToken.None)));
    }

    [Fact]
    public async Task AnUpdateThatChangesTheSpec_IsStillChecked() =>
        Assert.False(Allowed(await AdmissionHandler.ReviewAsync<Cpool>(Review("UPDATE", Cpool(hosts: 3, memory: 5000), Cpool(hosts: 3, memory: null), "Cpool"), s_empty, CancellationToken.None)));

    [Fact]
    public async Task ABlockVolumePostedToTheCpoolRoute_IsRefused_NamingBothKinds()
    {
        var answer = await AdmissionHandler.ReviewAsync<Cpool>(Review("CREATE", Volume(2048)), s_empty, CancellationToken.None);

        Assert.False(Allowed(answer));
        Assert.Equal(400, (int)answer["response"]!["status"]!["code"]!);
        Assert.Contains("validates Cpool (iaas.cloud-temple.com/v1alpha1), not BlockVolume", (string?)answer["response"]!["status"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnObjectOfAnotherKind_UnderTheRightRequestKind_IsRefused()
    {
        // request.kind says Cpool, the object itself is a BlockVolume.
        var answer = await AdmissionHandler.ReviewAsync<Cpool>(Review("CREATE", Volume(2048), kind: "Cpool"), s_empty, CancellationToken.None);

        Assert.False(Allowed(answer));
        Assert.Contains("not BlockVolume", (string?)answer["response"]!["status"]!["message"], StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedReviews()
    {
        var data = new TheoryData<string, string>();
        void Add(string why, Action<JsonObject> spoil)
        {
            var review = Review("UPDATE", Volume(2048), Volume(1024));
            spoil(review);
            data.Add(review.ToJsonString(), why);
        }

        Add("an admission.k8s.io/v1 AdmissionReview was expected", r => r["kind"] = "Pod");
        Add("the AdmissionReview has no request object", r => r.Remove("request"));
        Add("the AdmissionReview has no request object", r => r["request"] = "CREATE");
        Add("request.uid is missing", r => r["request"]!.AsObject().Remove("uid"));
        Add("request.uid is missing", r => r["request"]!["uid"] = 42);
        Add("request.operation must be one of CREATE, UPDATE, DELETE, CONNECT", r => r["request"]!["operation"] = "PATCH");
        Add("request.kind is missing", r => r["request"]!.AsObject().Remove("kind"));
        Add("request.object must be an object", r => r["request"]!["object"] = new JsonArray());
        Add("request.oldObject must be an object", r => r["request"]!.AsObject().Remove("oldObject"));
        Add("request.namespace must be a string", r => r["request"]!["namespace"] = new JsonObject());
        Add("request.object cannot be read as a BlockVolume", r => r["request"]!["object"]!["spec"]!["sizeGiB"] = "two terabytes");
        Add("request.object cannot be read as a BlockVolume", r => r["request"]!["object"]!["spec"] = new JsonArray(1, 2));
        Add("request.oldObject cannot be read as a BlockVolume", r => r["request"]!["oldObject"]!["metadata"] = "old");
        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedReviews))]
    public async Task AMalformedReview_IsRejected_NamingWhatIsWrong(string review, string reason)
    {
        var e = await Assert.ThrowsAsync<MalformedReviewException>(
            () => AdmissionHandler.ReviewAsync<BlockVolume>(JsonNode.Parse(review)!.AsObject(), s_empty, CancellationToken.None));

        Assert.StartsWith(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalWithManyViolations_NamesTheFirst20_AndCountsTheRest()
    {
        var rules = new JsonArray();
        for (var i = 0; i < 30; i++)
        {
            rules.Add(new JsonObject { ["name"] = $"a{i}", ["type"] = "Affinity", ["virtualMachines"] = new JsonArray($"x{i}", $"y{i}") });
            rules.Add(new JsonObject { ["name"] = $"s{i}", ["type"] = "AntiAffinity", ["virtualMachines"] = new JsonArray($"y{i}", $"x{i}") });
        }

        var cpool = Cpool(hosts: 3, memory: 5000);
        cpool["spec"]!["affinityRules"] = rules;
        var message = (string?)(await AdmissionHandler.ReviewAsync<Cpool>(Review("CREATE", cpool, kind: "Cpool"), s_empty, CancellationToken.None))["response"]!["status"]!["message"];

        // C4 for the memory, then ten C9 contradictions and their count: 12 violations, all shown.
        Assert.Contains("spec.memoryGiB", message, StringComparison.Ordinal);
        Assert.Contains("20 more AntiAffinity rules contradict an Affinity rule", message, StringComparison.Ordinal);
        Assert.DoesNotContain("; and ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusalOfMoreThan20Violations_NamesTheFirst20_AndCountsTheRest()
    {
        var volume = Volume(2048);
        volume["spec"]!["cpoolRefs"] = new JsonArray([.. Enumerable.Range(0, 64).Select(i => (JsonNode)new JsonObject { ["name"] = $"far-{i}" })]);

        var message = (string?)(await AdmissionHandler.ReviewAsync<BlockVolume>(Review("CREATE", volume), new FarCpools(), CancellationToken.None))["response"]!["status"]!["message"];

        Assert.Contains("spec.cpoolRefs[19]: ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("spec.cpoolRefs[20]: ", message, StringComparison.Ordinal);
        Assert.EndsWith("; and 44 more", message, StringComparison.Ordinal);
    }

    private static bool Allowed(JsonObject answer) => (bool)answer["response"]!["allowed"]!;

    private static JsonObject Review(string operation, JsonObject? current, JsonObject? old = null, string? kind = null) => new()
    {
        ["apiVersion"] = "admission.k8s.io/v1",
        ["kind"] = "AdmissionReview",
        ["request"] = new JsonObject
        {
            ["uid"] = "uid-1",
            ["kind"] = new JsonObject { ["group"] = "iaas.cloud-temple.com", ["version"] = "v1alpha1", ["kind"] = kind ?? (string?)(current ?? old)!["kind"] },
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

    private static JsonObject Cpool(int hosts, int? memory) => new()
    {
        ["apiVersion"] = "iaas.cloud-temple.com/v1alpha1",
        ["kind"] = "Cpool",
        ["metadata"] = new JsonObject { ["name"] = "prod" },
        ["spec"] = new JsonObject { ["availabilityZone"] = "PAR7S", ["bladeType"] = "standard", ["hosts"] = hosts, ["memoryGiB"] = memory },
    };

    // Every Cpool named is in another zone than the volume's (B6).
    private sealed class FarCpools : INamespaceView
    {
        public Task<T?> FindAsync<T>(string namespaceName, string name, CancellationToken cancellationToken)
            where T : class, ICustomResource =>
            Task.FromResult(new Cpool { Metadata = new() { Name = name }, Spec = new() { AvailabilityZone = Entities.Catalog.Zone.TH3S } } as T);

        public Task<IReadOnlyList<T>> ListAsync<T>(string namespaceName, CancellationToken cancellationToken)
            where T : class, ICustomResource => Task.FromResult<IReadOnlyList<T>>([]);

        public Task<IReadOnlyList<ExternalIdClaim>> ClaimsAsync(Type entityType, string externalId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ExternalIdClaim>>([]);
    }

    // What the webhook must not touch when it answers at once (no API server read).
    private sealed class UnreachableNamespace : INamespaceView
    {
        public Task<T?> FindAsync<T>(string namespaceName, string name, CancellationToken cancellationToken)
            where T : class, ICustomResource => throw new InvalidOperationException("the namespace was read");

        public Task<IReadOnlyList<T>> ListAsync<T>(string namespaceName, CancellationToken cancellationToken)
            where T : class, ICustomResource => throw new InvalidOperationException("the namespace was read");

        public Task<IReadOnlyList<ExternalIdClaim>> ClaimsAsync(Type entityType, string externalId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the namespace was read");
    }
}

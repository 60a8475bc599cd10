using System.Text.Json.Nodes;
using CloudTemple.Operator.Runtime;

namespace CloudTemple.Operator.Tests.Runtime;

public sealed class JsonMergePatchTests
{
    [Fact]
    public void AClearedField_IsSentAsNull_SoTheServerDeletesIt()
    {
        var patch = JsonMergePatch.Create(Json("""{"activityId":"op-1","externalId":"cp-1"}"""), Json("""{"externalId":"cp-1"}"""));

        Assert.Equal("""{"activityId":null}""", patch.ToJsonString());
    }

    [Fact]
    public void NestedObjects_AreDiffed_AndArraysReplacedWhole()
    {
        var patch = JsonMergePatch.Create(
            Json("""{"replication":{"state":"Synchronizing","targetExternalId":"v-2"},"conditions":[{"type":"Ready"}]}"""),
            Json("""{"replication":{"state":"Consistent","targetExternalId":"v-2"},"conditions":[{"type":"Ready"},{"type":"Stalled"}]}"""));

        Assert.Equal("""{"replication":{"state":"Consistent"},"conditions":[{"type":"Ready"},{"type":"Stalled"}]}""", patch.ToJsonString());
    }

    [Fact]
    public void EqualDocuments_GiveAnEmptyPatch() =>
        Assert.Empty(JsonMergePatch.Create(Json("""{"a":{"b":[1,2]}}"""), Json("""{"a":{"b":[1,2]}}""")));

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();
}

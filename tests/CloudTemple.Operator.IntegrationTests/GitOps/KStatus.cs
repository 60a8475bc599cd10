using System.Text.Json.Nodes;

namespace CloudTemple.Operator.IntegrationTests.GitOps;

/// <summary>
/// kstatus's documented rules for a custom resource (sigs.k8s.io/cli-utils/pkg/kstatus), which Flux's
/// `wait: true` applies: a test oracle written from the documentation, not from the operator's code.
/// </summary>
public static class KStatus
{
    public static string Compute(JsonObject resource)
    {
        var metadata = resource["metadata"]!.AsObject();
        if (metadata["deletionTimestamp"] is not null)
        {
            return "Terminating";
        }

        var status = resource["status"] as JsonObject;
        var generation = (long?)metadata["generation"];
        if (status?["observedGeneration"] is { } observed && (long)observed != generation)
        {
            return "InProgress";
        }

        var conditions = status?["conditions"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        string? Status(string type) => conditions.Where(c => (string?)c["type"] == type).Select(c => (string?)c["status"]).FirstOrDefault();

        if (Status("Reconciling") == "True")
        {
            return "InProgress";
        }

        if (Status("Stalled") == "True")
        {
            return "Failed";
        }

        return Status("Ready") == "False" ? "InProgress" : "Current";
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Runtime;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CloudTemple.Operator.Webhooks;

/// <summary>
/// Keeps the ValidatingWebhookConfiguration in step with the webhook: in a cluster the installer
/// (Helm, kustomize) creates it pointing at the webhook Service and the operator only injects its
/// CA bundle; run locally with a URL, the operator writes the whole configuration itself.
/// </summary>
[Rbac("admissionregistration.k8s.io", "validatingwebhookconfigurations", "get", "patch", ResourceNames = ["cloudtemple-operator"],
    Reason = "InjectCaBundleAsync: read the configuration, patch its CA bundle (ApplyAsync and DeleteAsync serve local mode, run with the developer's kubeconfig)")]
public sealed class WebhookRegistration(IKubernetes client, string name)
{
    /// <summary>The configuration for the six kinds, calling the webhook at <paramref name="url"/> (local mode).</summary>
    public static V1ValidatingWebhookConfiguration Build(string name, string url, string caBundle) =>
        Build(name, type => new Admissionregistrationv1WebhookClientConfig
        {
            Url = url.TrimEnd('/') + WebhookEndpoints.PathOf(type),
            CaBundle = Encoding.UTF8.GetBytes(caBundle),
        });

    /// <summary>
    /// The configuration for the six kinds, calling the webhook Service (cluster mode, as installed by
    /// kustomize or Helm); the operator injects the CA bundle when it starts.
    /// </summary>
    public static V1ValidatingWebhookConfiguration BuildForService(string name, string service, string namespaceName) =>
        Build(name, type => new Admissionregistrationv1WebhookClientConfig
        {
            Service = new Admissionregistrationv1ServiceReference { Name = service, NamespaceProperty = namespaceName, Path = WebhookEndpoints.PathOf(type), Port = 443 },
        });

    private static V1ValidatingWebhookConfiguration Build(string name, Func<Type, Admissionregistrationv1WebhookClientConfig> clientConfig) => new()
    {
        ApiVersion = "admissionregistration.k8s.io/v1",
        Kind = "ValidatingWebhookConfiguration",
        Metadata = new V1ObjectMeta { Name = name },
        Webhooks = [.. CustomResources.All.Select(type =>
        {
            var info = EntityInfo.Of(type);
            return new V1ValidatingWebhook
            {
                Name = $"{info.Plural}.{info.Group}",
                AdmissionReviewVersions = ["v1"],
                SideEffects = "None",
                FailurePolicy = "Fail",
                TimeoutSeconds = 10,
                ClientConfig = clientConfig(type),
                Rules =
                [
                    new V1RuleWithOperations
                    {
                        ApiGroups = [info.Group],
                        ApiVersions = [info.Version],
                        Resources = [info.Plural],
                        Operations = ["CREATE", "UPDATE"],
                        Scope = "Namespaced",
                    },
                ],
            };
        })],
    };

    /// <summary>Creates or replaces the whole configuration (local mode).</summary>
    public async Task ApplyAsync(V1ValidatingWebhookConfiguration configuration, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            configuration.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            await client.AdmissionregistrationV1.ReplaceValidatingWebhookConfigurationAsync(configuration, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(configuration, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes <paramref name="caBundle"/> into every webhook of the installed configuration (cluster mode).</summary>
    public async Task InjectCaBundleAsync(string caBundle, CancellationToken cancellationToken)
    {
        var existing = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(caBundle));
        var patch = new JsonArray();
        for (var i = 0; i < (existing.Webhooks?.Count ?? 0); i++)
        {
            patch.Add(new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = encoded });
        }

        if (patch.Count > 0)
        {
            await client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.JsonPatch), name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the configuration, e.g. when a local run ends.</summary>
    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.AdmissionregistrationV1.DeleteValidatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }
}

namespace CloudTemple.Operator.Entities;

/// <summary>Names of the API group, its annotations and its finalizer: the contract of docs/api.md.</summary>
public static class ApiGroup
{
    /// <summary>The API group of every kind.</summary>
    public const string Name = "iaas.cloud-temple.com";

    /// <summary>The served and stored version.</summary>
    public const string Version = "v1alpha1";

    /// <summary><c>group/version</c>, as written in <c>apiVersion</c>.</summary>
    public const string ApiVersion = Name + "/" + Version;

    /// <summary>The category that makes <c>kubectl get cloudtemple</c> list every kind.</summary>
    public const string Category = "cloudtemple";

    /// <summary>Annotation that stops reconciling an object while its value is <c>"true"</c>.</summary>
    public const string PausedAnnotation = Name + "/paused";

    /// <summary>Annotation whose new value asks for an immediate reconcile.</summary>
    public const string ReconcileRequestedAtAnnotation = Name + "/reconcile-requested-at";

    /// <summary>Finalizer that holds an object until its platform resource is handled.</summary>
    public const string Finalizer = Name + "/finalizer";
}

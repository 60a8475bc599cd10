using System.Collections;
using System.Reflection;
using System.Text.Json.Serialization;
using CloudTemple.Operator.Entities;
using CloudTemple.Operator.Entities.Schema;
using k8s.Models;

namespace CloudTemple.Operator.Generation;

/// <summary>
/// Builds the CustomResourceDefinition of an entity type: a structural OpenAPI v3 schema from the
/// C# types and their schema attributes, descriptions from their XML doc comments, the status
/// subresource, printer columns, short names and the cloudtemple category. Kubernetes 1.20 has no
/// CEL, so nothing here emits x-kubernetes-validations: cross-field rules belong to the webhook.
/// </summary>
internal sealed class CrdGenerator(XmlDocumentation docs)
{
    public static CrdGenerator ForEntities() => new(XmlDocumentation.For(typeof(ApiGroup).Assembly));

    public V1CustomResourceDefinition Generate(Type entityType)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{entityType.Name} has no [KubernetesEntity].", nameof(entityType));
        var shortNames = entityType.GetCustomAttribute<ShortNamesAttribute>()?.Names ?? [];

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{entity.PluralName}.{entity.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = entity.PluralName,
                    Singular = entity.Kind.ToLowerInvariant(),
                    ShortNames = [.. shortNames],
                    Categories = [ApiGroup.Category],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = entity.ApiVersion,
                        Served = true,
                        Storage = true,
                        Subresources = new V1CustomResourceSubresources { Status = new object() },
                        AdditionalPrinterColumns = PrinterColumns(entityType),
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = RootSchema(entityType) },
                    },
                ],
            },
        };
    }

    private V1JSONSchemaProps RootSchema(Type entityType)
    {
        var spec = entityType.GetProperty("Spec")!;
        var status = entityType.GetProperty("Status")!;
        return new V1JSONSchemaProps
        {
            Type = "object",
            Description = Describe(entityType),
            Required = ["spec"],
            Properties = new Dictionary<string, V1JSONSchemaProps>
            {
                ["apiVersion"] = new()
                {
                    Type = "string",
                    Description = "APIVersion defines the versioned schema of this representation of an object.",
                },
                ["kind"] = new()
                {
                    Type = "string",
                    Description = "Kind is a string value representing the REST resource this object represents.",
                },
                ["metadata"] = new() { Type = "object" },
                ["spec"] = ObjectSchema(spec.PropertyType, docs.Of(spec.PropertyType)),
                ["status"] = StatusSchema(status.PropertyType),
            },
        };
    }

    // status defaults to an empty object, so that its own defaults (observedGeneration: 0) show on a
    // new object before the operator's first status write.
    private V1JSONSchemaProps StatusSchema(Type statusType)
    {
        var schema = ObjectSchema(statusType, docs.Of(statusType));
        schema.DefaultProperty = new Dictionary<string, object>();
        return schema;
    }

    private V1JSONSchemaProps ObjectSchema(Type type, string? description)
    {
        var instance = Activator.CreateInstance(type);
        var properties = new SortedDictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal);
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonName(property);
            properties[name] = PropertySchema(property, instance);
            if (property.IsDefined(typeof(SchemaRequiredAttribute)))
            {
                required.Add(name);
            }
        }

        required.Sort(StringComparer.Ordinal);
        return new V1JSONSchemaProps
        {
            Type = "object",
            Description = description,
            Properties = properties,
            Required = required.Count > 0 ? required : null,
        };
    }

    private V1JSONSchemaProps PropertySchema(PropertyInfo property, object? owner)
    {
        var schema = TypeSchema(property.PropertyType, docs.Of(property));
        if (string.IsNullOrEmpty(schema.Description))
        {
            throw new InvalidOperationException(
                $"{property.DeclaringType!.Name}.{property.Name} has no XML doc comment: every field of the API is documented.");
        }

        if (property.GetCustomAttribute<SchemaRangeAttribute>() is { } range)
        {
            schema.Minimum = range.Minimum;
            schema.Maximum = range.Maximum;
        }

        if (property.GetCustomAttribute<SchemaLengthAttribute>() is { } length)
        {
            schema.MinLength = length.Minimum;
            schema.MaxLength = length.Maximum;
        }

        if (property.GetCustomAttribute<SchemaPatternAttribute>() is { } pattern)
        {
            schema.Pattern = pattern.Pattern;
        }

        if (property.GetCustomAttribute<SchemaMinItemsAttribute>() is { } minItems)
        {
            schema.MinItems = minItems.Minimum;
        }

        if (property.GetCustomAttribute<SchemaMaxItemsAttribute>() is { } maxItems)
        {
            schema.MaxItems = maxItems.Maximum;
        }

        if (property.GetCustomAttribute<SchemaItemLengthAttribute>() is { } itemLength && schema.Items is V1JSONSchemaProps { Type: "string" } item)
        {
            item.MinLength = itemLength.Minimum;
            item.MaxLength = itemLength.Maximum;
        }

        if (property.GetCustomAttribute<SchemaListMapAttribute>() is { } listMap)
        {
            if (schema.Items is not V1JSONSchemaProps { Required: { } itemRequired } || !itemRequired.Contains(listMap.Key))
            {
                throw new InvalidOperationException(
                    $"{property.DeclaringType!.Name}.{property.Name}: the list-map key '{listMap.Key}' must be a required field of its items.");
            }

            schema.XKubernetesListType = "map";
            schema.XKubernetesListMapKeys = [listMap.Key];
        }

        if (property.IsDefined(typeof(SchemaListSetAttribute)))
        {
            schema.XKubernetesListType = "set";
        }

        RequireBounds(property, schema);
        if (property.IsDefined(typeof(SchemaDefaultedAttribute)))
        {
            var value = property.GetValue(owner);
            schema.DefaultProperty = value switch
            {
                Enum e => ApiNames.Of(e),
                _ => value,
            };
        }

        return schema;
    }

    // Every list, number and free string of the API is bounded (ApiBounds, PlatformCatalog), so that
    // the API server refuses an object that would make anyone downstream do unbounded work, and an
    // out-of-range figure in a spec or a status write: a field added without its bound fails here.
    private static void RequireBounds(PropertyInfo property, V1JSONSchemaProps schema)
    {
        var field = $"{property.DeclaringType!.Name}.{property.Name}";
        string? missing = schema switch
        {
            { Type: "array", MaxItems: null } => "a [SchemaMaxItems]",
            { Type: "array", Items: V1JSONSchemaProps { Type: "string", EnumProperty: null, MaxLength: null } } => "a [SchemaItemLength] for its strings",
            { Type: "integer" or "number", Maximum: null } or { Type: "integer" or "number", Minimum: null } => "a [SchemaRange] with a maximum",
            { Type: "string", EnumProperty: null, Format: null, MaxLength: null } => "a [SchemaLength] with a maximum",
            _ => null,
        };
        if (missing is not null)
        {
            throw new InvalidOperationException($"{field} has no bound: every field of the API needs {missing}.");
        }
    }

    private V1JSONSchemaProps TypeSchema(Type type, string? description)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string", Description = description };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean", Description = description };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = type == typeof(int) ? "int32" : "int64", Description = description };
        }

        if (type == typeof(decimal) || type == typeof(double))
        {
            return new V1JSONSchemaProps { Type = "number", Description = description };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time", Description = description };
        }

        if (type.IsEnum)
        {
            var allowed = Enum.GetValues(type).Cast<Enum>()
                .Where(v => type.GetField(v.ToString())!.GetCustomAttribute<RefusedValueAttribute>() is null)
                .Select(v => (object)ApiNames.Of(v))
                .ToList();
            return new V1JSONSchemaProps { Type = "string", EnumProperty = allowed, Description = description ?? docs.Of(type) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var itemType = type.GetGenericArguments()[0];
            return new V1JSONSchemaProps
            {
                Type = "array",
                Description = description,
                Items = TypeSchema(itemType, docs.Of(itemType)),
            };
        }

        if (type.IsClass && !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return ObjectSchema(type, description ?? docs.Of(type));
        }

        throw new NotSupportedException($"No schema mapping for {type}.");
    }

    private static List<V1CustomResourceColumnDefinition> PrinterColumns(Type entityType)
    {
        var columns = entityType.GetCustomAttributes<PrinterColumnAttribute>()
            .Select(c => new V1CustomResourceColumnDefinition
            {
                Name = c.Name,
                JsonPath = c.JsonPath,
                Type = c.Type,
                Priority = c.Priority == 0 ? null : c.Priority,
                Description = c.Description,
            })
            .ToList();
        columns.Add(new() { Name = "Ready", JsonPath = ".status.conditions[?(@.type==\"Ready\")].status", Type = "string" });
        columns.Add(new()
        {
            Name = "Reason",
            JsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
            Type = "string",
            Priority = 1,
        });
        columns.Add(new() { Name = "Age", JsonPath = ".metadata.creationTimestamp", Type = "date" });
        return columns;
    }

    private string Describe(Type type) =>
        docs.Of(type) ?? throw new InvalidOperationException($"{type.Name} has no XML doc comment.");

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? JsonNamingPolicyName(property.Name);

    // The same naming the KubernetesClient serializer applies, so schema and wire format agree.
    private static string JsonNamingPolicyName(string name) =>
        System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}

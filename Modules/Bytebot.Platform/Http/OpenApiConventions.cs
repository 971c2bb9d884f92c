using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.OpenApi;

namespace Bytebot.Platform.Http;

/// <summary>
/// What the OpenAPI document cannot infer from a handler's signature, said once for every module: downloads that honour
/// <c>Range</c> (and <c>If-None-Match</c> when tagged), server-sent event streams, multipart bodies, and hand-written
/// schemas (JSON Schema text, parsed as OpenAPI 3.1).
/// </summary>
public static class OpenApiConventions
{
    public const string ProblemJson = "application/problem+json";
    public const string Octets = "application/octet-stream";

    /// <summary>200 with the bytes, 206 for a satisfiable <c>Range</c>, 416 for one that is not; with an entity tag also
    /// <c>ETag</c> and <c>If-None-Match</c> (304).</summary>
    public static TBuilder DescribesDownload<TBuilder>(this TBuilder builder, bool entityTag = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(Header("Range", "A single byte range, e.g. `bytes=0-1023`; answered with 206."));
            var responses = operation.Responses ??= [];
            responses["200"] = Bytes("The whole content.", entityTag);
            responses["206"] = Bytes("The requested range; `Content-Range` says which.", entityTag);
            responses["416"] = new OpenApiResponse { Description = "The range lies outside the content." };
            // The 304 is said in the parameter, not as a response: with a 3xx listed, generated clients (Kiota) return
            // nothing instead of the stream.
            if (entityTag)
                operation.Parameters.Add(Header("If-None-Match",
                    "The entity tag of a cached copy; when it matches, the answer is 304 Not Modified without a body."));
            return Task.CompletedTask;
        });

    /// <summary>200 <c>text/event-stream</c> (each event's data one JSON object), when <paramref name="resumable"/>
    /// resumable with <c>Last-Event-ID</c>.</summary>
    public static TBuilder DescribesEventStream<TBuilder>(
        this TBuilder builder, string description, bool resumable = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            if (resumable)
                operation.Parameters.Add(Header("Last-Event-ID",
                    "The `id` of the last event received; the stream resumes after it (a global log position)."));
            var responses = operation.Responses ??= [];
            responses["200"] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["text/event-stream"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String,
                            Description = "Events as `id:`, `event:` and `data:` lines (data is one JSON object).",
                        },
                    },
                },
            };
            return Task.CompletedTask;
        });

    /// <summary>The request body, replaced by <paramref name="content"/> (media type → JSON Schema text).</summary>
    public static TBuilder DescribesBody<TBuilder>(this TBuilder builder, params (string MediaType, string Schema)[] content)
        where TBuilder : IEndpointConventionBuilder => builder.DescribesBody(true, content);

    /// <summary>As <see cref="DescribesBody{TBuilder}(TBuilder, ValueTuple{string, string}[])"/>, the body optional
    /// unless <paramref name="required"/>.</summary>
    public static TBuilder DescribesBody<TBuilder>(
        this TBuilder builder, bool required, params (string MediaType, string Schema)[] content)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = content.ToDictionary(c => c.MediaType, c => new OpenApiMediaType
                {
                    Schema = Schema(c.Schema, context.Document),
                }),
            };
            return Task.CompletedTask;
        });

    /// <summary>A JSON Schema (OpenAPI 3.1 dialect) from its text; <c>$ref</c>s resolve against <paramref name="document"/>.</summary>
    public static IOpenApiSchema Schema(string json, OpenApiDocument? document)
    {
        var schema = Microsoft.OpenApi.Reader.OpenApiModelFactory.Parse<OpenApiSchema>(
            json, OpenApiSpecVersion.OpenApi3_1, document ?? new OpenApiDocument(), out var diagnostic, "json");
        if (schema is null || diagnostic?.Errors.Count > 0)
            throw new InvalidOperationException(
                "Not a valid schema: " + string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? []) + " in " + json);
        return schema;
    }

    /// <summary>A JSON Schema object node as an OpenAPI schema.</summary>
    public static IOpenApiSchema Schema(JsonNode json, OpenApiDocument? document) => Schema(json.ToJsonString(), document);

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiResponse Bytes(string description, bool entityTag)
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [Octets] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
            },
        };
        if (entityTag)
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["ETag"] = new OpenApiHeader
                {
                    Description = "The quoted SHA-256 of the content.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            };
        return response;
    }
}

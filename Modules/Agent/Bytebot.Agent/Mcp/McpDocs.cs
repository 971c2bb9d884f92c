using Bytebot.Platform.Http;
using Microsoft.OpenApi;

namespace Bytebot.Agent.Mcp;

/// <summary>
/// <c>POST /mcp</c> in the OpenAPI document: the SDK maps it as a plain request delegate, so the description is
/// written here. The host's pass adds its security and the 401 and 429.
/// </summary>
internal static class McpDocs
{
    private const string Request = """
        {"type":"object","required":["jsonrpc","method"],"description":"A JSON-RPC 2.0 request or notification.",
         "properties":{"jsonrpc":{"const":"2.0"},"id":{"type":["string","integer"]},
          "method":{"type":"string","examples":["initialize","tools/list","tools/call"]},"params":{"type":"object"}}}
        """;

    private const string Response = """
        {"type":"object","required":["jsonrpc"],"description":"A JSON-RPC 2.0 response: result or error.",
         "properties":{"jsonrpc":{"const":"2.0"},"id":{"type":["string","integer"]},"result":{"type":"object"},
          "error":{"type":"object","properties":{"code":{"type":"integer"},"message":{"type":"string"}}}}}
        """;

    public static void Describe(OpenApiDocument document)
    {
        var problem = new OpenApiResponse
        {
            Description = "",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = OpenApiConventions.Schema(Response, document) },
            },
        };
        var operation = new OpenApiOperation
        {
            OperationId = "Mcp",
            Summary = "The Model Context Protocol, streamable HTTP and stateless: the computer_* tools (Bytebot's 16 and ours).",
            Tags = new HashSet<OpenApiTagReference> { new("Desktop", document) },
            Parameters =
            [
                new OpenApiParameter
                {
                    Name = "Accept",
                    In = ParameterLocation.Header,
                    Required = true,
                    Description = "Must accept both `application/json` and `text/event-stream`.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            ],
            RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = OpenApiConventions.Schema(Request, document) },
                },
            },
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "The JSON-RPC response, as JSON or as one server-sent event.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = OpenApiConventions.Schema(Response, document) },
                        ["text/event-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                    },
                },
                ["202"] = new OpenApiResponse { Description = "A notification or response was accepted." },
                ["400"] = With(problem, "Not a JSON-RPC message."),
                ["406"] = With(problem, "The Accept header lacks application/json or text/event-stream."),
                ["415"] = With(problem, "The body is not application/json."),
            },
        };
        document.Paths ??= [];
        document.Paths["/mcp"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation },
        };
    }

    private static OpenApiResponse With(OpenApiResponse template, string description) =>
        new() { Description = description, Content = template.Content };
}

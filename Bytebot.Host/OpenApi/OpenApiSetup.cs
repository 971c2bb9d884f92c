using Bytebot.Host.Auth;
using Bytebot.Platform.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Bytebot.Host.OpenApi;

/// <summary>
/// <c>/openapi/v1.json</c>: what holds for every operation is said here once — who may call it (bearer token or the
/// dashboard cookie, none for the anonymous few), the 401 and 429 every authenticated call can meet, problem+json for
/// every 4xx. Each module describes its own operations where it maps them.
/// </summary>
internal static class OpenApiSetup
{
    public const string Bearer = "bearer";
    public const string Cookie = "cookie";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Desktop", "The desktop: Bytebot's computer-use actions and the MCP tools."),
        ("Tasks", "Tasks: create, follow, steer and read back what the agent did."),
        ("Files", "Blobs by hash, the workspace file API and a task's files."),
        ("Streaming", "The live view: the desktop's VNC over a WebSocket."),
        ("Auth", "The dashboard's sign-in, which exchanges the token for a session cookie."),
        ("Health", "Liveness and readiness of the host and its components, and this document."),
    ];

    public static IServiceCollection AddBytebotOpenApi(this IServiceCollection services) => services
        // Last, after the modules' own document transformers: operations they wrote by hand (no endpoint metadata to
        // read) are authenticated ones, like every endpoint under the fallback policy; and the document itself.
        .PostConfigureAll<OpenApiOptions>(options => options.AddDocumentTransformer((document, _, _) =>
        {
            DescribeSelf(document);
            foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
            {
                if (operation.Security is null)
                    Secure(operation, document, anonymous: false);
            }
            return Task.CompletedTask;
        }))
        .AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
                Secure(operation, context.Document!, anonymous);
                return Task.CompletedTask;
            });
        });

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Bytebot for .NET",
            Version = "1.0.0",
            Description = "A self-hosted AI desktop agent. Send `Authorization: Bearer <token>` (the admin token in "
                + "`{DataDir}/admin-token`, or `BYTEBOT_TOKEN`). Errors are problem+json; a 400 names every bad field "
                + "in `errors`.",
            License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" },
        };
        foreach (var server in document.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/');
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal)
        {
            [Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The admin API token.",
            },
            [Cookie] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Cookie,
                Name = AuthSetup.CookieName,
                Description = "The dashboard's session cookie from `POST /login`; writes with it also need the "
                    + "header `X-Bytebot-Request: 1`.",
            },
        };
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
    }

    private static void DescribeSelf(OpenApiDocument document) =>
        document.Paths["/openapi/v1.json"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "GetOpenApiDocument",
                    Summary = "This document: OpenAPI 3.1, every operation of the host.",
                    Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The document.",
                            Content = new Dictionary<string, OpenApiMediaType>
                            {
                                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                            },
                        },
                    },
                },
            },
        };

    private static void Secure(OpenApiOperation operation, OpenApiDocument document, bool anonymous)
    {
        var responses = operation.Responses ??= [];
        if (anonymous)
            operation.Security = [];
        else
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Cookie, document)] = [] },
            ];
            responses.TryAdd("401", Problem("No valid token or session cookie.", document));
        }
        responses.TryAdd("429", Problem("Too many requests from this caller; `Retry-After` says when to retry.", document));
        foreach (var (status, response) in responses.ToList())
        {
            if (status is ['4', _, _] && status is not "416" && response is OpenApiResponse { Content: null or { Count: 0 } } bare)
                bare.Content = Problem(bare.Description ?? "", document).Content;
        }
    }

    private static OpenApiResponse Problem(string description, OpenApiDocument document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [OpenApiConventions.ProblemJson] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
    };
}

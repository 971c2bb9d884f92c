using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Tests.Integration.Web;

/// <summary>
/// <c>/openapi/v1.json</c> against the host that serves it: the same operations it maps, each one answering with a
/// status it documents (the linter, the schema and a generated client are in <see cref="GeneratedClientTests"/>).
/// </summary>
[Collection("host")]
public sealed class OpenApiDocumentTests(HostFixture host)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ReceiveTelegramUpdate: Telegram sends no bearer token; its X-Telegram-Bot-Api-Secret-Token header is checked.
    private static readonly HashSet<string> Anonymous =
        ["GetLiveness", "GetSignInPage", "SignIn", "ReceiveTelegramUpdate"];

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = host.Factory.CreateAuthenticatedClient();
        return await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Select(operation => (operation.Name.ToUpperInvariant(), path.Name, operation.Value)));

    /// <summary>Every route of the HTTP API; the dashboard's pages, the Blazor hub and static files are not API.</summary>
    private static Dictionary<string, string> MappedRoutes(IServiceProvider services)
    {
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern;
            if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                || pattern.RawText is { } raw && (raw.TrimStart('/').StartsWith('_')
                    || raw.StartsWith("/novnc/", StringComparison.Ordinal))
                || endpoint.DisplayName?.StartsWith("Fallback {**path:file}", StringComparison.Ordinal) == true)
                continue;
            var path = "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part =>
                part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
                    _ => "?",
                }))));
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                routes[$"{method} {(path.Length > 1 ? path.TrimEnd('/') : path)}"] = endpoint.DisplayName ?? "";
        }
        return routes;
    }

    [Fact]
    public async Task The_document_has_every_mapped_route_and_no_other()
    {
        var document = await DocumentAsync();
        var documented = Operations(document).Select(o => $"{o.Method} {o.Path}").ToHashSet(StringComparer.Ordinal);
        var mapped = MappedRoutes(host.Factory.Services);

        mapped.Count.ShouldBeGreaterThan(25);
        mapped.Where(route => !documented.Contains(route.Key)).Select(route => $"{route.Key} ({route.Value})").Order()
            .ShouldBeEmpty("mapped but not in the document");
        documented.Where(route => !mapped.ContainsKey(route)).Order().ShouldBeEmpty("in the document but not mapped");
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_its_security_and_problem_json_for_its_errors()
    {
        var document = await DocumentAsync();
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        schemes.GetProperty("cookie").GetProperty("in").GetString().ShouldBe("cookie");

        var failures = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (method, path, operation) in Operations(document))
        {
            var name = $"{method} {path}";
            var id = operation.TryGetProperty("operationId", out var value) ? value.GetString() : null;
            if (id is null || !ids.Add(id))
                failures.Add($"{name}: no operationId, or not unique");
            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                failures.Add($"{name}: no summary");
            var security = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject())
                .Select(r => r.Name).ToHashSet();
            if (Anonymous.Contains(id ?? "") ? security.Count != 0 : !security.SetEquals(["bearer", "cookie"]))
                failures.Add($"{name}: security {string.Join(",", security)}");
            var responses = operation.GetProperty("responses");
            if (!Anonymous.Contains(id ?? "") && !responses.TryGetProperty("401", out _))
                failures.Add($"{name}: no 401");
            foreach (var response in responses.EnumerateObject().Where(r => r.Name.StartsWith('4') && r.Name != "416"))
            {
                // The sign-in form re-renders its page; MCP answers JSON-RPC errors, as its protocol says.
                var expected = id is "SignIn" && response.Name is "400" or "401" ? "text/html"
                    : id is "Mcp" && response.Name is not "401" and not "429" ? "application/json"
                    : "application/problem+json";
                var content = response.Value.TryGetProperty("content", out var c) ? c : default;
                if (content.ValueKind != JsonValueKind.Object || !content.TryGetProperty(expected, out _))
                    failures.Add($"{name} {response.Name}: not {expected}");
            }
        }

        failures.ShouldBeEmpty();
        ids.Count.ShouldBeGreaterThan(25);
    }

    [Fact]
    public async Task Computer_use_takes_a_oneOf_of_every_action_keyed_by_action_and_answers_201()
    {
        var document = await DocumentAsync();
        var post = document.GetProperty("paths").GetProperty("/computer-use").GetProperty("post");
        var schema = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var mapping = schema.GetProperty("discriminator").GetProperty("mapping").EnumerateObject().Select(m => m.Name).ToList();

        schema.GetProperty("discriminator").GetProperty("propertyName").GetString().ShouldBe("action");
        schema.GetProperty("oneOf").GetArrayLength().ShouldBe(mapping.Count);
        mapping.ShouldBe(
        [
            "move_mouse", "trace_mouse", "click_mouse", "press_mouse", "drag_mouse", "scroll", "type_keys", "press_keys",
            "type_text", "paste_text", "wait", "screenshot", "cursor_position", "application", "write_file", "read_file",
            "zoom", "read_screen", "find_text", "accessibility_tree", "click_element", "focus_element", "set_value",
        ], ignoreOrder: true);
        var responses = post.GetProperty("responses");
        responses.TryGetProperty("201", out _).ShouldBeTrue();
        responses.TryGetProperty("200", out _).ShouldBeFalse();
        var click = document.GetProperty("components").GetProperty("schemas").GetProperty("ClickMouseAction");
        click.GetProperty("properties").GetProperty("action").GetProperty("const").GetString().ShouldBe("click_mouse");
    }

    [Fact]
    public async Task Every_documented_operation_answers_with_a_status_it_documents()
    {
        var document = await DocumentAsync();
        using var client = host.Factory.CreateAuthenticatedClient();
        var failures = new List<string>();
        var sent = 0;
        foreach (var (method, path, operation) in Operations(document))
        {
            // Harmless requests: unknown ids, no or empty bodies. Nothing they reach may change.
            var url = path.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{fileId}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{sha256}", new string('0', 64), StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT" or "PATCH")
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
            sent++;
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.GetProperty("responses").TryGetProperty(status, out _))
                failures.Add($"{method} {url} → {status}, documented: "
                    + string.Join(",", operation.GetProperty("responses").EnumerateObject().Select(r => r.Name)));
        }

        sent.ShouldBeGreaterThan(25);
        failures.ShouldBeEmpty();
    }
}

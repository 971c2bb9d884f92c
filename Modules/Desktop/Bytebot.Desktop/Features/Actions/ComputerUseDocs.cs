using System.Text.Json.Nodes;
using Bytebot.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// <c>POST /computer-use</c> in the OpenAPI document: the body is a <c>oneOf</c> of every action in
/// <see cref="ActionSchemas"/> with <c>action</c> as the discriminator, the 201 body one of the results.
/// </summary>
internal static class ComputerUseDocs
{
    private const string Screenshot = """
        {"type":"object","required":["image","width","height","format"],"properties":{
          "image":{"type":"string","contentEncoding":"base64","description":"The encoded image."},
          "width":{"type":"integer"},"height":{"type":"integer"},
          "format":{"type":"string","enum":["png","jpeg","webp"]}}}
        """;

    private const string Cursor = """
        {"type":"object","required":["x","y"],"properties":{"x":{"type":"integer"},"y":{"type":"integer"}}}
        """;

    private const string File = """
        {"type":"object","required":["success"],"description":"write_file and read_file: success, or why not.",
         "properties":{"success":{"type":"boolean"},"message":{"type":"string"},
          "data":{"type":"string","contentEncoding":"base64","description":"read_file: the content."},
          "name":{"type":"string"},"size":{"type":"integer","format":"int64"},"mediaType":{"type":"string"}}}
        """;

    private const string Box = """
        {"type":"object","required":["x","y","width","height"],"description":"Screen pixels.","properties":{
          "x":{"type":"integer"},"y":{"type":"integer"},"width":{"type":"integer"},"height":{"type":"integer"}}}
        """;

    private const string Confidence = """{"type":"number","minimum":0,"maximum":1}""";

    private static readonly string ScreenText = WithBoxes("""
        {"type":"object","required":["lines"],"description":"read_screen: the lines of text, top to bottom.","properties":{
          "lines":{"type":"array","items":{"type":"object","required":["text","confidence","box","words"],"properties":{
            "text":{"type":"string"},"confidence":CONFIDENCE,"box":BOX,
            "words":{"type":"array","items":{"type":"object","required":["text","confidence","box"],"properties":{
              "text":{"type":"string"},"confidence":CONFIDENCE,"box":BOX}}}}}}}}
        """);

    private static readonly string TextMatches = WithBoxes("""
        {"type":"object","required":["matches"],"description":"find_text: where the text is, best first.","properties":{
          "matches":{"type":"array","items":{"type":"object","required":["text","confidence","box","exact"],"properties":{
            "text":{"type":"string"},"exact":{"type":"boolean"},"confidence":CONFIDENCE,"box":BOX}}}}}
        """);

    private static readonly string Tree = WithBoxes("""
        {"type":"object","required":["elements","truncated"],"description":"accessibility_tree: the window, then what it holds, depth first.","properties":{
          "truncated":{"type":"boolean","description":"The window held more than the elements listed."},
          "elements":{"type":"array","items":{"type":"object","required":["id","depth","role","name","states","actions"],"properties":{
            "id":{"type":"string"},"parent":{"type":["string","null"]},"depth":{"type":"integer"},
            "role":{"type":"string"},"name":{"type":"string"},
            "states":{"type":"array","items":{"type":"string"}},"bounds":{"oneOf":[BOX,{"type":"null"}]},
            "actions":{"type":"array","items":{"type":"string"}},"value":{"type":["string","null"]}}}}}}
        """);

    private static string WithBoxes(string schema) =>
        schema.Replace("CONFIDENCE", Confidence, StringComparison.Ordinal).Replace("BOX", Box, StringComparison.Ordinal);

    public static RouteHandlerBuilder DescribeComputerUse(this RouteHandlerBuilder endpoint) => endpoint
        .WithName("ComputerUse").WithTags("Desktop")
        .WithSummary("Runs one action on the desktop (Bytebot's 16 and ours); actions on one desktop never overlap.")
        .ProducesValidationProblem()
        .ProducesProblem(413).ProducesProblem(429).ProducesProblem(500).ProducesProblem(503)
        .AddOpenApiOperationTransformer((operation, context, _) =>
        {
            var document = context.Document!;
            var mapping = new Dictionary<string, OpenApiSchemaReference>(StringComparer.Ordinal);
            foreach (var action in ActionSchemas.All)
                mapping[action.Action] = Component(document, Name(action.Action) + "Action", Body(action));
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            OneOf = [.. mapping.Values],
                            Discriminator = new OpenApiDiscriminator { PropertyName = "action", Mapping = mapping },
                        },
                    },
                },
            };
            var responses = operation.Responses ??= [];
            responses.Remove("200");
            responses["201"] = new OpenApiResponse
            {
                Description = "Done. screenshot, zoom, read_screen, find_text, accessibility_tree, cursor_position, write_file and read_file "
                    + "answer a body; the others none.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            AnyOf =
                            [
                                Component(document, "ComputerScreenshot", OpenApiConventions.Schema(Screenshot, document)),
                                Component(document, "ComputerCursorPosition", OpenApiConventions.Schema(Cursor, document)),
                                Component(document, "ComputerFileResult", OpenApiConventions.Schema(File, document)),
                                Component(document, "ComputerScreenText", OpenApiConventions.Schema(ScreenText, document)),
                                Component(document, "ComputerTextMatches", OpenApiConventions.Schema(TextMatches, document)),
                                Component(document, "ComputerAccessibleTree", OpenApiConventions.Schema(Tree, document)),
                            ],
                        },
                    },
                },
            };
            return Task.CompletedTask;
        });

    private static IOpenApiSchema Body(ActionSchema action)
    {
        var body = action.Input.DeepClone().AsObject();
        var properties = body["properties"]!.AsObject();
        properties.Insert(0, "action", new JsonObject { ["type"] = "string", ["const"] = action.Action });
        body["required"]!.AsArray().Insert(0, "action");
        body["description"] = action.Description;
        return OpenApiConventions.Schema(body, null);
    }

    private static OpenApiSchemaReference Component(OpenApiDocument document, string id, IOpenApiSchema schema)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        document.Components.Schemas[id] = schema;
        return new OpenApiSchemaReference(id, document);
    }

    private static string Name(string action) =>
        string.Concat(action.Split('_').Select(word => char.ToUpperInvariant(word[0]) + word[1..]));
}

using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using Bytebot.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bytebot.Tests.Integration.Web;

/// <summary>
/// The document as it is served over HTTP, checked by the tools an automation user runs: Redocly's linter, the
/// OpenAPI 3.1 schema, and a Kiota client generated from it (no hand edits) driving a real host with a desktop.
/// </summary>
public sealed class GeneratedClientTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // `operation-2xx-response`: these answer 302 or 101 by design (a browser form, a WebSocket upgrade).
    private static readonly string[] JustifiedWarnings =
    [
        "operation-2xx-response #/paths/~1login/post/responses",
        "operation-2xx-response #/paths/~1logout/post/responses",
        "operation-2xx-response #/paths/~1websockify/get/responses",
    ];

    private async Task<(BytebotHostFactory Host, string BaseUrl)> StartAsync(bool desktop)
    {
        var settings = desktop
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?>
            {
                ["Desktop:Mode"] = "External", ["Desktop:Vnc"] = "false", ["DISPLAY"] = TestDisplays.Unreachable,
            };
        var host = new BytebotHostFactory(await postgres.CreateDatabaseAsync(), settings);
        var baseUrl = host.StartKestrel();
        if (desktop)
        {
            using var client = Client(baseUrl, host.Token);
            (await HostFixture.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90))).IsSuccessStatusCode.ShouldBeTrue();
        }
        return (host, baseUrl);
    }

    private static HttpClient Client(string baseUrl, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<string> SaveDocumentAsync(string baseUrl, string token)
    {
        using var client = Client(baseUrl, token);
        var file = Path.Combine(Directory.CreateTempSubdirectory("bytebot-openapi-").FullName, "v1.json");
        await File.WriteAllTextAsync(file, await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), Ct), Ct);
        return file;
    }

    [Fact]
    public async Task Redocly_finds_no_error_and_only_the_justified_warnings()
    {
        var (host, baseUrl) = await StartAsync(desktop: false);
        await using var _ = host;
        var document = await SaveDocumentAsync(baseUrl, host.Token);

        var (_, output, errors) = await OpenApiTools.RedoclyLintAsync(document, Ct);

        using var report = JsonDocument.Parse(output);
        var problems = report.RootElement.GetProperty("problems").EnumerateArray().Select(p =>
            (Severity: p.GetProperty("severity").GetString(),
             Text: $"{p.GetProperty("ruleId").GetString()} {p.GetProperty("location")[0].GetProperty("pointer").GetString()}"))
            .ToList();
        problems.Where(p => p.Severity == "error").Select(p => p.Text).ShouldBeEmpty(errors);
        problems.Where(p => p.Severity != "error").Select(p => p.Text).ShouldBe(JustifiedWarnings, ignoreOrder: true);
    }

    [Fact]
    public async Task The_served_document_validates_against_the_OpenAPI_3_1_schema_and_a_broken_one_does_not()
    {
        var (host, baseUrl) = await StartAsync(desktop: false);
        await using var _ = host;
        var document = await SaveDocumentAsync(baseUrl, host.Token);
        var broken = Path.Combine(Path.GetDirectoryName(document)!, "broken.json");
        await File.WriteAllTextAsync(broken, """{"openapi":"3.1.0","info":{"title":"x"},"paths":{"/a":{"get":{"responses":7}}}}""", Ct);

        var served = await OpenApiTools.ValidateAsync(document, Ct);
        var refused = await OpenApiTools.ValidateAsync(broken, Ct);

        using var result = JsonDocument.Parse(served.Output);
        result.RootElement.GetProperty("valid").GetBoolean().ShouldBeTrue(served.Output + served.Errors);
        using var failed = JsonDocument.Parse(refused.Output);
        failed.RootElement.GetProperty("valid").GetBoolean().ShouldBeFalse("a validator that accepts anything proves nothing");
    }

    [Fact]
    public async Task A_client_generated_from_the_served_document_drives_the_desktop_and_the_tasks_API()
    {
        var (host, baseUrl) = await StartAsync(desktop: true);
        await using var _ = host;
        var document = await SaveDocumentAsync(baseUrl, host.Token);
        var generated = await OpenApiTools.GenerateClientAsync(document, Ct);
        var driver = Path.Combine(AppContext.BaseDirectory, "OpenApi", "ClientDriver", "Driver.cs");

        var run = Compile(Directory.GetFiles(generated, "*.cs", SearchOption.AllDirectories).Append(driver))
            .GetType("Bytebot.ClientDriver.Driver", throwOnError: true)!
            .GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static)!;
        var seen = await (Task<Dictionary<string, string>>)run.Invoke(null, [baseUrl, host.Token, Ct])!;

        seen["screenshot"].ShouldBe("1280x960 Png 89504E47");
        seen["click"].ShouldBe("no body");
        seen["cursor"].ShouldBe("101,123");
        seen["type"].ShouldBe("done");
        seen["created"].ShouldBe("PENDING HIGH");
        seen["read"].ShouldBe("Read notes.txt on the desktop | notes.txt 27 text/plain");
        seen["cancelled"].ShouldBe("CANCELLED");
        seen["blob"].ShouldBe("identical");
        seen["range"].ShouldBe("invoice 42");
        seen["wrong token"].ShouldBe("ProblemDetails 401 Unauthorized");
    }

    /// <summary>The generated sources and the driver, compiled as they are against the Kiota runtime this test references.</summary>
    private static Assembly Compile(IEnumerable<string> files)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: ["NETCOREAPP3_1_OR_GREATER", "NET5_0_OR_GREATER"]);
        var trees = files.Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), parse, file));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Bytebot.GeneratedClient", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ShouldBeEmpty();
        image.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(image);
    }
}

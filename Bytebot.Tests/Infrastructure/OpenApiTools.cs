using System.Diagnostics;

namespace Bytebot.Tests.Infrastructure;

/// <summary>The real tools the OpenAPI tests run: Redocly's linter, the OpenAPI 3.1 schema validator, the Kiota generator.</summary>
internal static class OpenApiTools
{
    public static string Root { get; } = RepositoryRoot.Find();

    public static string NpmTools { get; } = Path.Combine(Root, "Bytebot.Tests", "OpenApi");

    public static Task<(int Exit, string Output, string Errors)> RedoclyLintAsync(string document, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(NpmTools, "node_modules", ".bin", "redocly"), NpmTools,
            ["lint", document, "--format=json", "--max-problems=1000"], cancellationToken);

    public static Task<(int Exit, string Output, string Errors)> ValidateAsync(string document, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(NpmTools, "node_modules", ".bin", "validate-api"), NpmTools, [document], cancellationToken);

    /// <summary>Generates the C# client (Kiota, pinned in .config/dotnet-tools.json) from the document into a new folder.</summary>
    public static async Task<string> GenerateClientAsync(string document, CancellationToken cancellationToken)
    {
        var restored = await RunAsync("dotnet", Root, ["tool", "restore"], cancellationToken);
        restored.Exit.ShouldBe(0, restored.Output + restored.Errors);
        var output = Directory.CreateTempSubdirectory("bytebot-client-").FullName;
        var generated = await RunAsync("dotnet", Root,
            ["tool", "run", "kiota", "generate", "--language", "CSharp", "--openapi", document, "--output", output,
             "--class-name", "BytebotClient", "--namespace-name", "Bytebot.Client", "--log-level", "Warning",
             "--clean-output"],
            cancellationToken);
        generated.Exit.ShouldBe(0, generated.Output + generated.Errors);
        return output;
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(
        string file, string directory, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // Kiota asks GitHub for a newer release unless told it is offline; nothing here reaches GitHub.
        start.Environment["KIOTA_OFFLINE_ENABLED"] = "true";
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        using var process = Process.Start(start)!;
        using var kill = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}

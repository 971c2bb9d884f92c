using System.Text.Json;
using Spectre.Console;

namespace Bytebot.Cli;

internal static class Output
{
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerOptions.Web);
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    /// <summary>One JSON document: the whole of stdout for a command run with <c>--json</c>.</summary>
    public static void Document<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>One line of NDJSON; written at once so a script reading line by line sees each as it happens.</summary>
    public static void Line<T>(T value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value, Compact));
        Console.Out.Flush();
    }

    public static void Markup(string markup) => AnsiConsole.MarkupLine(markup);

    public static string Esc(string? text) => Spectre.Console.Markup.Escape(text ?? "");
}

using System.Globalization;
using System.Text.Json;

namespace Bytebot.Bench;

internal static class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 0.5);

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(p * sorted.Count))];
    }

    public static string Format(double value) => value.ToString(value >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);

    public static async Task WriteAsync(string directory, string name, object json, IEnumerable<string> markdownLines)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(json, Indented));
        var md = string.Join('\n', markdownLines) + "\n";
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), md);
        Console.WriteLine(md);
    }
}

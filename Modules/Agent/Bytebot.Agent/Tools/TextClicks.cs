using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bytebot.Desktop.Contracts;

namespace Bytebot.Agent.Tools;

/// <summary>The OCR tools' side of the agent: click_text's click, and text results in the model's screenshot pixels.</summary>
internal static class TextClicks
{
    /// <summary>The click_mouse body of a click_text call, taking its button and count out of <paramref name="body"/>.</summary>
    public static JsonObject Click(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var click = new JsonObject
        {
            ["action"] = "click_mouse",
            ["button"] = body["button"]?.DeepClone() ?? "left",
            ["clickCount"] = body["clickCount"]?.DeepClone() ?? 1,
        };
        body.Remove("button");
        body.Remove("clickCount");
        return click;
    }

    public static Coordinates Centre(ScreenRegion box)
    {
        ArgumentNullException.ThrowIfNull(box);
        return new(box.X + box.Width / 2, box.Y + box.Height / 2);
    }

    public static string Describe(ScreenRegion box, ScreenGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var seen = geometry.ToImage(box);
        var centre = geometry.ToImage(Centre(box));
        return string.Create(CultureInfo.InvariantCulture,
            $"[{seen.X}, {seen.Y}, {seen.X + seen.Width}, {seen.Y + seen.Height}], centre ({centre.X}, {centre.Y})");
    }

    public static string Report(TextMatches found, ScreenGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(found);
        if (found.Matches.Count == 0)
            return "The text is not on the screen (OCR found no match).";
        var report = new StringBuilder();
        foreach (var match in found.Matches.Take(10))
            report.Append(CultureInfo.InvariantCulture,
                $"'{match.Text}'{(match.Exact ? "" : " (contains it)")} at {Describe(match.Box, geometry)}, confidence {match.Confidence:0.00}\n");
        return report.ToString().TrimEnd();
    }

    public static string Report(ScreenText text, ScreenGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(geometry);
        if (text.Lines.Count == 0)
            return "OCR found no text.";
        var report = new StringBuilder();
        foreach (var line in text.Lines)
        {
            var seen = geometry.ToImage(line.Box);
            report.Append(CultureInfo.InvariantCulture,
                $"[{seen.X}, {seen.Y}, {seen.X + seen.Width}, {seen.Y + seen.Height}] {line.Text}\n");
        }
        return report.ToString().TrimEnd();
    }
}

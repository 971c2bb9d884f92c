using System.Globalization;
using System.Text;
using Bytebot.Desktop.Contracts;

namespace Bytebot.Agent.Tools;

/// <summary>
/// An accessibility tree as the model reads it: one indented line per element, boxes in screenshot pixels.
/// </summary>
internal static class TreeReport
{
    // About 40 tokens a line: a window of this many elements stays under 20k tokens.
    public const int MaxLines = 500;

    public static string Describe(AccessibleTree tree, ScreenGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(geometry);
        if (tree.Elements.Count == 0)
            return "The focused window exposes no accessibility tree (or no window is focused); "
                + "use a screenshot or find_text.";
        var report = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{tree.Elements.Count} elements (id role \"name\" [x0, y0, x1, y1] states actions = value); ")
            .Append("click_element, focus_element and set_value take the id:\n");
        foreach (var element in tree.Elements.Take(MaxLines))
        {
            report.Append(' ', element.Depth * 2).Append(element.Id).Append(' ').Append(element.Role);
            if (element.Name.Length > 0)
                report.Append(" \"").Append(element.Name).Append('"');
            if (element.Bounds is { } box)
            {
                var seen = geometry.ToImage(box);
                report.Append(CultureInfo.InvariantCulture,
                    $" [{seen.X}, {seen.Y}, {seen.X + seen.Width}, {seen.Y + seen.Height}]");
            }
            if (element.States.Count > 0)
                report.Append(" {").AppendJoin(',', element.States).Append('}');
            if (element.Actions.Count > 0)
                report.Append(" (").AppendJoin(',', element.Actions).Append(')');
            if (element.Value is { } value)
                report.Append(" = \"").Append(value).Append('"');
            report.Append('\n');
        }
        if (tree.Elements.Count > MaxLines || tree.Truncated)
            report.Append("(more elements not listed: pass a window id, or use a screenshot)\n");
        return report.ToString();
    }
}

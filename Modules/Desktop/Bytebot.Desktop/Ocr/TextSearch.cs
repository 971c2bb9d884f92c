using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Ocr;

/// <summary>
/// Finds a text among read lines: the shortest runs of consecutive words of one line that contain it, ignoring case;
/// a run that is the text (but for punctuation around it, "File:" for "file") is exact and ranks first.
/// </summary>
internal static class TextSearch
{
    private static readonly char[] Punctuation = ['.', ',', ':', ';', '!', '?', '"', '\'', '(', ')', '[', ']', '…', '_', '|'];

    public static IReadOnlyList<TextMatch> Find(IReadOnlyList<TextLine> lines, string text)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var wanted = Normalize(text);
        var span = wanted.Split(' ').Length + 1;
        var matches = new List<TextMatch>();
        foreach (var line in lines)
        {
            var words = line.Words.Select(w => Normalize(w.Text)).ToArray();
            for (var start = 0; start < words.Length; start++)
            {
                for (var end = start; end < words.Length && end - start <= span; end++)
                {
                    var run = string.Join(' ', words[start..(end + 1)]);
                    if (!run.Contains(wanted, StringComparison.Ordinal))
                        continue;
                    // Shortest from the left too: "open file" in "open file" counts once, not also from a word before it.
                    if (end > start && string.Join(' ', words[(start + 1)..(end + 1)]).Contains(wanted, StringComparison.Ordinal))
                        break;
                    var found = line.Words.Skip(start).Take(end - start + 1).ToList();
                    matches.Add(new TextMatch(string.Join(' ', found.Select(w => w.Text)), Math.Round(found.Average(w => w.Confidence), 3),
                        ScreenReader.Union(found), run.Trim(Punctuation) == wanted));
                    break;
                }
            }
        }
        return [.. matches.OrderByDescending(m => m.Exact).ThenByDescending(m => m.Confidence).ThenBy(m => m.Box.Y).ThenBy(m => m.Box.X)];
    }

    private static string Normalize(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}

using System.Diagnostics;
using System.Text.Json;
using Bytebot.Tests.Integration.Desktop.ComputerUse;

namespace Bytebot.Tests.Integration.Desktop.Seeing;

/// <summary>Issue 13, acceptance 1 (OCR): the managed desktop's text editor, read over <c>POST /computer-use</c>.</summary>
[Trait("needs", "x11-driver")]
[Collection(OneDesktopAtATime.Name)]
public sealed class ScreenTextTests(XvfbComputerUseHost host) : IClassFixture<XvfbComputerUseHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task Find_text_answers_a_box_inside_the_editor_window_around_a_word_typed_into_it()
    {
        // Letters only: in a tight crop Tesseract reads a 1 as an l (and once a v as a y, so no v either).
        const string Letters = "bcdfghkmnprstwxz";
        var word = "Zebra" + string.Concat(Enumerable.Range(0, 4).Select(_ => Letters[Random.Shared.Next(16)]));
        await (await _client.PostActionAsync("""{"action":"application","application":"editor"}""")).ShouldBeEmptyCreatedAsync();
        await (await _client.PostActionAsync(new { action = "type_text", text = word + "\n" }))
            .ShouldBeEmptyCreatedAsync();
        var window = EditorWindow();

        // The editor draws the word a moment after the keys arrive.
        var matches = await FindAsync(word);
        for (var attempt = 0; attempt < 20 && matches.Count == 0; attempt++)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            matches = await FindAsync(word);
        }
        matches.ShouldNotBeEmpty($"'{word}' not found; the screen read: {await ReadAsync([0, 0, 1280, 960])}");

        var best = matches[0];
        // The Return took the caret to the next line, where it cannot be read as a | after the word.
        best.GetProperty("text").GetString().ShouldStartWith(word, Case.Sensitive);
        best.GetProperty("exact").GetBoolean().ShouldBeTrue();
        var box = Box(best);
        // Tesseract's boxes may reach a pixel or two past the glyphs, and the text view starts at the window's edge.
        const int Margin = 4;
        box.X.ShouldBeGreaterThanOrEqualTo(window.X - Margin);
        box.Y.ShouldBeGreaterThanOrEqualTo(window.Y - Margin);
        (box.X + box.Width).ShouldBeLessThanOrEqualTo(window.X + window.Width + Margin);
        (box.Y + box.Height).ShouldBeLessThanOrEqualTo(window.Y + window.Height + Margin);
        box.Width.ShouldBeInRange(word.Length * 4, word.Length * 20, "about the width of the word");

        // Clamped to the screen: a word at the start of the first line sits beside the text view's left edge, and a
        // box can start at x = 3 (a CI run asked for x = -1 and got a 400).
        var inside = await ReadAsync([Math.Max(0, box.X - 4), Math.Max(0, box.Y - 4),
            Math.Min(1280, box.X + box.Width + 4), Math.Min(960, box.Y + box.Height + 4)]);
        // A tight crop of random letters is sometimes read with a space inside the word ("Zebrapf zh" in a CI run).
        inside.Replace(" ", "", StringComparison.Ordinal).ShouldContain(word, Case.Sensitive, "read again inside the box alone");
    }

    [Fact]
    public async Task Read_screen_answers_lines_with_words_boxes_and_confidences_and_a_region_limits_it()
    {
        var whole = await (await _client.PostActionAsync("""{"action":"read_screen"}""")).ShouldBeJsonCreatedAsync();
        var lines = whole.GetProperty("lines").EnumerateArray().ToList();

        lines.ShouldNotBeEmpty();
        lines.ShouldAllBe(line => line.GetProperty("words").GetArrayLength() > 0
            && line.GetProperty("confidence").GetDouble() >= 0 && line.GetProperty("confidence").GetDouble() <= 1);
        // The panel is the session's last child to map: on a loaded machine it can come up after the first read.
        var panel = await ReadAsync([0, 0, 200, 30]);
        for (var attempt = 0; attempt < 20 && !panel.Contains("Applications", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            panel = await ReadAsync([0, 0, 200, 30]);
        }
        panel.ShouldContain("Applications", Case.Sensitive, "the panel menu of XFCE, top left");
        (await ReadAsync([600, 400, 700, 500])).ShouldNotContain("Applications");
    }

    [Fact]
    public async Task Text_that_is_not_on_the_screen_finds_no_match_and_an_empty_text_is_a_problem()
    {
        (await FindAsync("Xylophone" + Random.Shared.Next(1000, 9999))).ShouldBeEmpty();
        await (await _client.PostActionAsync("""{"action":"find_text","text":"  "}""")).ShouldBeRejectedAsync("text");
        await (await _client.PostActionAsync("""{"action":"find_text","text":"a","region":[0,0,2000,10]}""")).ShouldBeRejectedAsync("region");
    }

    private async Task<List<JsonElement>> FindAsync(string text)
    {
        var result = await (await _client.PostActionAsync(new { action = "find_text", text })).ShouldBeJsonCreatedAsync();
        return [.. result.GetProperty("matches").EnumerateArray()];
    }

    private async Task<string> ReadAsync(int[] region)
    {
        var result = await (await _client.PostActionAsync(new { action = "read_screen", region })).ShouldBeJsonCreatedAsync();
        return string.Join("\n", result.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("text").GetString()));
    }

    private static (int X, int Y, int Width, int Height) Box(JsonElement match)
    {
        var box = match.GetProperty("box");
        return (box.GetProperty("x").GetInt32(), box.GetProperty("y").GetInt32(), box.GetProperty("width").GetInt32(), box.GetProperty("height").GetInt32());
    }

    private (int X, int Y, int Width, int Height) EditorWindow()
    {
        var info = new ProcessStartInfo("xdotool") { RedirectStandardOutput = true };
        foreach (var argument in new[] { "search", "--onlyvisible", "--class", "mousepad", "getwindowgeometry", "--shell" })
            info.ArgumentList.Add(argument);
        info.Environment["DISPLAY"] = host.Display;
        using var process = Process.Start(info)!;
        var values = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=')).Where(pair => pair.Length == 2).GroupBy(pair => pair[0]).ToDictionary(g => g.Key, g => int.Parse(g.Last()[1], System.Globalization.CultureInfo.InvariantCulture));
        process.WaitForExit();
        return (values["X"], values["Y"], values["WIDTH"], values["HEIGHT"]);
    }
}

using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Ocr;

namespace Bytebot.Tests.Unit.Desktop;

public sealed class TextSearchTests
{
    private static TextWord Word(string text, int x, int y, double confidence = 0.9) => new(text, confidence, new ScreenRegion(x, y, text.Length * 8, 14));

    private static TextLine Line(params TextWord[] words) => ScreenReader.Line(words);

    private static readonly TextLine[] Screen =
    [
        Line(Word("File", 10, 5), Word("Edit", 50, 5), Word("Search", 90, 5)),
        Line(Word("Open", 10, 40, 0.95), Word("File:", 50, 40, 0.7), Word("notes.txt", 100, 40)),
        Line(Word("Profile", 10, 80, 0.99)),
    ];

    [Fact]
    public void An_exact_word_ranks_before_words_that_only_contain_it_whatever_their_confidence()
    {
        var matches = TextSearch.Find(Screen, "FILE");

        matches.Select(m => (m.Text, m.Exact)).ShouldBe([("File", true), ("File:", true), ("Profile", false)]);
        matches[0].Box.ShouldBe(new ScreenRegion(10, 5, 32, 14));
    }

    [Fact]
    public void Several_words_match_consecutive_words_of_one_line_and_the_box_spans_them()
    {
        var match = TextSearch.Find(Screen, "open  file").ShouldHaveSingleItem();

        match.Text.ShouldBe("Open File:");
        match.Exact.ShouldBeTrue();
        match.Box.ShouldBe(new ScreenRegion(10, 40, 80, 14));
        match.Confidence.ShouldBe(0.825);
    }

    [Fact]
    public void Words_of_different_lines_never_match_together_and_absent_text_finds_nothing()
    {
        TextSearch.Find(Screen, "Search Open").ShouldBeEmpty();
        TextSearch.Find(Screen, "Thunderbird").ShouldBeEmpty();
    }
}

using System.Diagnostics;
using System.Text;
using Bytebot.Desktop.Driver;

namespace Bytebot.Tests.Integration.Desktop.Native;

[Collection(OneDesktopAtATime.Name)]
public sealed class KeyboardTests(NativeDesktop desktop) : IClassFixture<NativeDesktop>
{
    private const string Unicode = "héllo wörld € ✓ Ω 日本";

    /// <summary>Each line the terminal receives lands in its own file line.N (written whole, then renamed).</summary>
    private const string LineWriter = "n=0; while IFS= read -r line; do printf %s \"$line\" > .tmp; mv .tmp line.$n; n=$((n+1)); done";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string PrintableAscii => new(Enumerable.Range(0x20, 0x7f - 0x20).Select(c => (char)c).ToArray());

    [Fact]
    public async Task Typing_unicode_and_all_printable_ascii_reaches_a_terminal_exactly_twenty_times_in_a_row()
    {
        var (folder, _) = await StartLineWriterAsync("typing-target", "+100+100");
        var text = Unicode + " " + PrintableAscii;
        var typing = Stopwatch.StartNew();

        for (var run = 0; run < 20; run++)
        {
            var started = typing.Elapsed;
            await desktop.Driver.TypeTextAsync(text + "\n", TimeSpan.Zero, Token);
            TestContext.Current.TestOutputHelper?.WriteLine($"run {run}: {text.Length + 1} chars in {(typing.Elapsed - started).TotalMilliseconds:0.0} ms");
            var line = await ReadLineAsync(folder, run);
            line.ShouldBe(text, $"run {run} of 20");
        }
    }

    [Fact]
    public async Task Typing_more_distinct_foreign_characters_than_spare_keycodes_rebinds_them_without_losing_any()
    {
        var (folder, _) = await StartLineWriterAsync("rebinding-target", "+100+400");
        const string Greek = "αβγδεζηθικλμνξοπρστυφχψω ÀÉÎÕÜ";

        for (var run = 0; run < 5; run++)
        {
            await desktop.Driver.TypeTextAsync(Greek + "\n", TimeSpan.Zero, Token);
            (await ReadLineAsync(folder, run)).ShouldBe(Greek, $"run {run}");
        }
    }

    [Fact]
    public async Task Typing_honours_the_delay_between_characters_and_tabs_arrive_as_tabs()
    {
        var (folder, _) = await StartLineWriterAsync("delay-target", "+100+650");
        var clock = Stopwatch.StartNew();

        await desktop.Driver.TypeTextAsync("a\tb€c\n", TimeSpan.FromMilliseconds(20), Token);

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(5 * 20));
        (await ReadLineAsync(folder, 0)).ShouldBe("a\tb€c");
    }

    [Fact]
    public async Task A_ctrl_u_chord_erases_the_typed_line_and_a_shift_chord_types_a_capital()
    {
        var (folder, _) = await StartLineWriterAsync("chord-target", "+700+100");
        var ctrlU = Keys("ctrl", "u");
        var shiftA = Keys("LeftShift", "a");

        await desktop.Driver.TypeTextAsync("wrong", TimeSpan.Zero, Token);
        await desktop.Driver.SetKeysAsync(ctrlU, down: true, Token);
        await desktop.Driver.SetKeysAsync(ctrlU.Reverse().ToArray(), down: false, Token);
        await desktop.Driver.TypeTextAsync("right", TimeSpan.Zero, Token);
        await desktop.Driver.SetKeysAsync(shiftA, down: true, Token);
        await desktop.Driver.SetKeysAsync(shiftA.Reverse().ToArray(), down: false, Token);
        await desktop.Driver.SetKeysAsync(Keys("Return"), down: true, Token);
        await desktop.Driver.SetKeysAsync(Keys("Return"), down: false, Token);

        (await ReadLineAsync(folder, 0)).ShouldBe("rightA");
    }

    [Fact]
    public async Task A_held_shift_and_caps_lock_are_released_before_typing_so_case_stays_exact()
    {
        var (folder, _) = await StartLineWriterAsync("modifier-target", "+700+400");

        await desktop.Driver.SetKeysAsync(Keys("CapsLock"), down: true, Token);
        await desktop.Driver.SetKeysAsync(Keys("CapsLock"), down: false, Token);
        await desktop.Driver.SetKeysAsync(Keys("shift"), down: true, Token);
        await desktop.Driver.TypeTextAsync("abc XYZ 1!\n", TimeSpan.Zero, Token);

        (await ReadLineAsync(folder, 0)).ShouldBe("abc XYZ 1!");
    }

    [Fact]
    public async Task After_the_layout_changes_to_german_typing_still_produces_the_same_text()
    {
        var (folder, _) = await StartLineWriterAsync("layout-target", "+700+650");
        desktop.Run("setxkbmap", "de").ExitCode.ShouldBe(0);
        try
        {
            await desktop.Driver.TypeTextAsync("yz ZY ß ä @/\n", TimeSpan.Zero, Token);

            (await ReadLineAsync(folder, 0)).ShouldBe("yz ZY ß ä @/");
        }
        finally
        {
            desktop.Run("setxkbmap", "us");
        }
    }

    [Fact]
    public async Task Typing_text_with_a_control_character_is_refused_before_anything_is_typed()
    {
        var error = await Should.ThrowAsync<ArgumentException>(() => desktop.Driver.TypeTextAsync("ok\u0007", TimeSpan.Zero, Token));
        error.ParamName.ShouldBe("text");
    }

    private static KeySymbol[] Keys(params string[] names) =>
        names.Select(n => KeyNames.TryResolve(n, out var key) ? key : throw new ArgumentException(n)).ToArray();

    private async Task<(string Folder, string Title)> StartLineWriterAsync(string title, string position)
    {
        var folder = Path.Combine(desktop.WorkDirectory, title);
        Directory.CreateDirectory(folder);
        await desktop.StartXtermAsync(title, "60x8" + position, $"cd {folder} && {LineWriter}");
        var geometry = desktop.Xdotool("search", "--onlyvisible", "--name", "^" + title + "$", "getwindowgeometry", "--shell");
        var values = geometry.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        await desktop.Driver.MoveMouseAsync(new ScreenPoint(values["X"] + values["WIDTH"] / 2, values["Y"] + values["HEIGHT"] / 2), Token);
        await desktop.Driver.SetButtonAsync(MouseButton.Left, true, Token);
        await desktop.Driver.SetButtonAsync(MouseButton.Left, false, Token);
        await NativeDesktop.WaitForAsync(() => desktop.FocusedWindowName() == title, $"focus on {title}");
        return (folder, title);
    }

    private static async Task<string> ReadLineAsync(string folder, int index)
    {
        var path = Path.Combine(folder, $"line.{index}");
        await NativeDesktop.WaitForAsync(() => File.Exists(path), path, seconds: 30);
        return Encoding.UTF8.GetString(await File.ReadAllBytesAsync(path, Token));
    }
}

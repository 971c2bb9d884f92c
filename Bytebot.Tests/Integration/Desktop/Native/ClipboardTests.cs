using System.Text;

namespace Bytebot.Tests.Integration.Desktop.Native;

[Collection(OneDesktopAtATime.Name)]
public sealed class ClipboardTests(NativeDesktop desktop) : IClassFixture<NativeDesktop>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_client_pastes_exactly_the_unicode_text_the_host_put_on_the_clipboard()
    {
        const string Text = "héllo wörld € ✓ Ω 日本\n\ttab and \"quotes\"";

        await desktop.Driver.SetClipboardAsync(Text, Token);

        Encoding.UTF8.GetString(desktop.RunBytes("xclip", "-o", "-selection", "clipboard")).ShouldBe(Text);
        Encoding.UTF8.GetString(desktop.RunBytes("xclip", "-o", "-selection", "primary")).ShouldBe(Text);
        var targets = Encoding.UTF8.GetString(desktop.RunBytes("xclip", "-o", "-selection", "clipboard", "-t", "TARGETS"));
        targets.ShouldContain("UTF8_STRING");
        targets.ShouldContain("STRING");
        Encoding.Latin1.GetString(desktop.RunBytes("xclip", "-o", "-selection", "clipboard", "-t", "STRING")).ShouldBe(Text.Replace('€', '?').Replace('✓', '?').Replace('Ω', '?').Replace('日', '?').Replace('本', '?'));
    }

    [Fact]
    public async Task Setting_the_clipboard_again_replaces_the_text()
    {
        await desktop.Driver.SetClipboardAsync("first", Token);
        await desktop.Driver.SetClipboardAsync("second ✓", Token);

        Encoding.UTF8.GetString(desktop.RunBytes("xclip", "-o", "-selection", "clipboard")).ShouldBe("second ✓");
    }

    [Fact]
    public async Task A_text_too_large_for_one_transfer_is_refused_with_the_parameter_named()
    {
        var error = await Should.ThrowAsync<ArgumentException>(() => desktop.Driver.SetClipboardAsync(new string('x', 300_000), Token));
        error.ParamName.ShouldBe("text");
    }
}

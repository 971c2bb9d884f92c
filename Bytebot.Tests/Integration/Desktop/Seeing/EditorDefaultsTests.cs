using Bytebot.Tests.Integration.Desktop.ComputerUse;

namespace Bytebot.Tests.Integration.Desktop.Seeing;

/// <summary>
/// A desktop stopped with the editor open kills it, and the next Mousepad would ask whether to restore that session in
/// a dialog instead of opening its window. The editor the application action starts reads the session's default.
/// </summary>
[Trait("needs", "x11-driver")]
[Collection(OneDesktopAtATime.Name)]
public sealed class EditorDefaultsTests(XvfbComputerUseHost host) : IClassFixture<XvfbComputerUseHost>
{
    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task The_editor_the_agent_opens_never_offers_to_restore_a_killed_session()
    {
        await (await _client.PostActionAsync("""{"action":"application","application":"editor"}"""))
            .ShouldBeEmptyCreatedAsync();
        Dictionary<string, string>? editor = null;
        await DesktopWitness.WaitForAsync(
            () => (editor = DesktopWitness.EnvironmentOf("mousepad", host.Display)) is not null, "mousepad");

        var schemas = editor!["GSETTINGS_SCHEMA_DIR"];
        File.Exists(Path.Combine(schemas, "gschemas.compiled")).ShouldBeTrue(schemas);
        // Mousepad writes its settings into the user's dconf once it runs: the default is read with a home of nobody's.
        var home = Directory.CreateTempSubdirectory("bytebot-editor-home-").FullName;
        try
        {
            var reader = new Dictionary<string, string> { ["HOME"] = home, ["GSETTINGS_SCHEMA_DIR"] = schemas };
            (await SessionRestoreAsync(reader)).ShouldBe("'never'");
            reader.Remove("GSETTINGS_SCHEMA_DIR");
            (await SessionRestoreAsync(reader)).ShouldBe("'after-a-crash'", "the system's default, outside");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static Task<string> SessionRestoreAsync(Dictionary<string, string> environment) =>
        DesktopWitness.RunWithAsync(
            environment, "gsettings", "get", "org.xfce.mousepad.preferences.file", "session-restore");
}

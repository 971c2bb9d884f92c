namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// XFCE defaults for the managed session, found through <c>XDG_CONFIG_DIRS</c> (a user's own settings still win).
/// xfce4-session starts ssh-agent and gpg-agent by default; both fork away from the session, and a clean stop
/// sometimes raced a just-forked ssh-agent (one was left running in 2 of 7 runs under load). A desktop agent needs
/// neither.
/// </summary>
internal static class SessionDefaults
{
    private const string SessionChannel = """
        <?xml version="1.0" encoding="UTF-8"?>
        <channel name="xfce4-session" version="1.0">
          <property name="startup" type="empty">
            <property name="ssh-agent" type="empty">
              <property name="enabled" type="bool" value="false"/>
            </property>
            <property name="gpg-agent" type="empty">
              <property name="enabled" type="bool" value="false"/>
            </property>
          </property>
        </channel>
        """;

    // Writes the defaults under the data dir and returns the XDG_CONFIG_DIRS that puts them first.
    public static string Prepare(string dataDirectory)
    {
        var root = Path.Combine(dataDirectory, "xdg");
        var channels = Path.Combine(root, "xfce4", "xfconf", "xfce-perchannel-xml");
        Directory.CreateDirectory(channels);
        var file = Path.Combine(channels, "xfce4-session.xml");
        if (!File.Exists(file) || File.ReadAllText(file) != SessionChannel)
            File.WriteAllText(file, SessionChannel);
        var inherited = Environment.GetEnvironmentVariable("XDG_CONFIG_DIRS");
        return $"{root}:{(string.IsNullOrEmpty(inherited) ? "/etc/xdg" : inherited)}";
    }
}

namespace Bytebot.Desktop.VirtualDisplay;

/// <summary>
/// XFCE defaults for the managed session, found through <c>XDG_CONFIG_DIRS</c> (a user's own settings still win).
/// xfce4-session starts ssh-agent and gpg-agent by default; both fork away from the session, and a clean stop
/// sometimes raced a just-forked ssh-agent (one was left running in 2 of 7 runs under load). A desktop agent needs
/// neither. The setting alone did not hold under load (an ssh-agent still started in CI), so the session's PATH
/// also finds a stand-in <c>ssh-agent</c> first that starts nothing (xfce4-session logs a warning and goes on).
/// Mousepad never offers to restore a killed session. GTK's animations are off: a tooltip fading in kept the screen
/// changing for 240 ms after a mouse move, and the agent waits for a still screen after every action (agent bench: step
/// p50 435 → 262 ms, p95 1,326 → 491 ms). ADR 0035.
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

    private const string SettingsChannel = """
        <?xml version="1.0" encoding="UTF-8"?>
        <channel name="xsettings" version="1.0">
          <property name="Gtk" type="empty">
            <property name="EnableAnimations" type="bool" value="false"/>
          </property>
        </channel>
        """;

    // Mousepad asks whether to restore the session of an editor the desktop's last stop killed, instead of opening its
    // window: the agent's editor opens straight. A default, so a user's own dconf value still wins.
    private const string SchemaOverride = """
        [org.xfce.mousepad.preferences.file]
        session-restore='never'
        """;

    private const string MousepadSchemas = "/usr/share/glib-2.0/schemas/org.xfce.mousepad.gschema.xml";

    private const string NoAgent = "#!/bin/sh\n# Bytebot's managed desktop runs no ssh-agent (SessionDefaults).\nexit 0\n";

    /// <summary>Sets the XDG_CONFIG_DIRS and PATH that put the defaults under the data dir first.</summary>
    public static void Apply(IDictionary<string, string?> environment, string dataDirectory)
    {
        environment["XDG_CONFIG_DIRS"] = Prepare(dataDirectory);
        var bin = Path.Combine(dataDirectory, "xdg", "bin");
        Directory.CreateDirectory(bin);
        var agent = Path.Combine(bin, "ssh-agent");
        if (!Holds(agent, NoAgent))
        {
            File.WriteAllText(agent, NoAgent);
            File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var inherited = environment.TryGetValue("PATH", out var path) && !string.IsNullOrEmpty(path)
            ? path : "/usr/local/bin:/usr/bin:/bin";
        environment["PATH"] = $"{bin}:{inherited}";
        // The session's runtime files (the accessibility bus socket, dconf) under the data dir: without it they are
        // keyed by HOME and display number only, which every desktop of a user on that number shares.
        var runtime = Path.Combine(dataDirectory, "run");
        Directory.CreateDirectory(runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        environment["XDG_RUNTIME_DIR"] = runtime;
        if (Schemas(dataDirectory) is { } schemas)
        {
            environment["GSETTINGS_SCHEMA_DIR"] = environment.TryGetValue("GSETTINGS_SCHEMA_DIR", out var own)
                && !string.IsNullOrEmpty(own) ? $"{schemas}:{own}" : schemas;
        }
        Accessibility.AccessibilityEnvironment.Apply(environment);
    }

    // Mousepad's schema with the override, compiled under the data dir (GLib takes a schema from the first directory
    // that has it); null when Mousepad or glib-compile-schemas is not installed.
    private static string? Schemas(string dataDirectory)
    {
        if (!File.Exists(MousepadSchemas))
            return null;
        var directory = Path.Combine(dataDirectory, "xdg", "schemas");
        Directory.CreateDirectory(directory);
        var schema = Path.Combine(directory, Path.GetFileName(MousepadSchemas));
        var overrides = Path.Combine(directory, "90_bytebot.gschema.override");
        var compiled = Path.Combine(directory, "gschemas.compiled");
        var source = File.ReadAllText(MousepadSchemas);
        if (File.Exists(compiled) && Holds(schema, source) && Holds(overrides, SchemaOverride))
            return directory;
        File.WriteAllText(schema, source);
        File.WriteAllText(overrides, SchemaOverride);
        try
        {
            using var compile = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
                "glib-compile-schemas", [directory]) { RedirectStandardError = true })!;
            compile.StandardError.ReadToEnd();
            compile.WaitForExit();
            return compile.ExitCode == 0 ? directory : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    // Writes the defaults under the data dir and returns the XDG_CONFIG_DIRS that puts them first.
    private static string Prepare(string dataDirectory)
    {
        var root = Path.Combine(dataDirectory, "xdg");
        var channels = Path.Combine(root, "xfce4", "xfconf", "xfce-perchannel-xml");
        Directory.CreateDirectory(channels);
        foreach (var (name, xml) in new[] { ("xfce4-session", SessionChannel), ("xsettings", SettingsChannel) })
        {
            var file = Path.Combine(channels, name + ".xml");
            if (!Holds(file, xml))
                File.WriteAllText(file, xml);
        }
        var inherited = Environment.GetEnvironmentVariable("XDG_CONFIG_DIRS");
        return $"{root}:{(string.IsNullOrEmpty(inherited) ? "/etc/xdg" : inherited)}";
    }

    private static bool Holds(string path, string text) => File.Exists(path) && File.ReadAllText(path) == text;
}

using System.Text.Json;

namespace Bytebot.Cli.Connection;

internal sealed record LoginFile(string Url, string Token);

/// <summary><c>$XDG_CONFIG_HOME/bytebot/login.json</c> (else <c>~/.config/bytebot</c>), readable by its owner only.</summary>
internal static class StoredLogin
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string FilePath
    {
        get
        {
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (string.IsNullOrEmpty(config))
                config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(config, "bytebot", "login.json");
        }
    }

    public static LoginFile? Read()
    {
        var path = FilePath;
        if (!File.Exists(path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<LoginFile>(File.ReadAllText(path), JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            throw new CliException($"{path} is not a login this command wrote; run bytebot login again.");
        }
    }

    // Written to a sibling created 0600 and renamed over the old one: the token is never readable by others, not even
    // for a moment, and a crash leaves the old login whole.
    public static void Write(LoginFile login)
    {
        var path = FilePath;
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = path + "." + Environment.ProcessId + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnly };
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, login, JsonSerializerOptions.Web);
        File.Move(temporary, path, overwrite: true);
    }
}

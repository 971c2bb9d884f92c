using Microsoft.Extensions.Configuration;

namespace Bytebot.Platform;

/// <summary>The product's data dir: managed cluster, blobs, the generated admin token.</summary>
public sealed class DataDirectory
{
    public DataDirectory(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public static DataDirectory FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["BYTEBOT_DATA_DIR"];
        if (!string.IsNullOrWhiteSpace(configured))
            return new DataDirectory(configured);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new DataDirectory(System.IO.Path.Combine(home, ".local", "share", "bytebot"));
    }
}

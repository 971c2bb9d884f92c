using Microsoft.Extensions.Configuration;

namespace Bytebot.Tests.Unit;

public sealed class DataDirectoryTests
{
    [Fact]
    public void Data_dir_comes_from_BYTEBOT_DATA_DIR()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bytebot-dd-" + Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["BYTEBOT_DATA_DIR"] = dir })
            .Build();

        var dataDir = Bytebot.Platform.DataDirectory.FromConfiguration(configuration);

        dataDir.Path.ShouldBe(dir);
        Directory.Exists(dir).ShouldBeTrue();
        Directory.Delete(dir);
    }
}

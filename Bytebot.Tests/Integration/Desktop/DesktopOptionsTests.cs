using Bytebot.Desktop.VirtualDisplay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bytebot.Tests.Integration.Desktop;

public sealed class DesktopOptionsTests
{
    [Fact]
    public async Task A_screen_width_out_of_range_stops_the_host_from_starting_with_a_message_naming_it()
    {
        var error = await Should.ThrowAsync<OptionsValidationException>(() => DesktopHost.StartAsync(
            new Dictionary<string, string?> { ["Desktop:Mode"] = "Managed", ["Desktop:Width"] = "100" }));

        error.Message.ShouldContain("Desktop:Width must be between 320 and 7680, but is 100.");
    }

    [Theory]
    [InlineData("Desktop:Session", "openbox --sm-disable")]
    [InlineData("Desktop:Session:0", "openbox")]
    public void The_session_command_is_read_from_a_string_or_an_array(string key, string value)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.EndsWith(":0", StringComparison.Ordinal))
            settings["Desktop:Session:1"] = "--sm-disable";
        var options = new DesktopOptions();

        DesktopOptions.Bind(options, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        options.Session.ShouldBe(["openbox", "--sm-disable"]);
    }
}

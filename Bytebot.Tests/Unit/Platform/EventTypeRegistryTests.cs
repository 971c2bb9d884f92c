using System.Text.Json;
using Bytebot.Platform.Events;

namespace Bytebot.Tests.Unit.Platform;

public sealed class EventTypeRegistryTests
{
    [Fact]
    public void Events_are_stored_under_their_registered_name_as_web_json()
    {
        var registry = new EventTypeRegistry([new EventTypeMapping("test.renamed", typeof(Renamed))]);

        var (type, json) = registry.Serialize(new Renamed("new name"));

        type.ShouldBe("test.renamed");
        json.ShouldBe("""{"newName":"new name"}""");
        registry.Deserialize(type, json).ShouldBe(new Renamed("new name"));
    }

    [Fact]
    public void One_name_for_two_types_is_refused()
    {
        Should.Throw<InvalidOperationException>(() => new EventTypeRegistry(
            [new EventTypeMapping("test.renamed", typeof(Renamed)), new EventTypeMapping("test.renamed", typeof(string))]));
    }

    [Fact]
    public void An_unregistered_event_cannot_be_appended_and_an_unknown_stored_type_stays_json()
    {
        var registry = new EventTypeRegistry([]);

        Should.Throw<InvalidOperationException>(() => registry.Serialize(new Renamed("x"))).Message.ShouldContain("AddEventType");
        registry.Deserialize("other.module_event", """{"a":1}""").ShouldBeOfType<JsonElement>().GetProperty("a").GetInt32().ShouldBe(1);
    }

    private sealed record Renamed(string NewName);
}

using System.Text.Json;

namespace Bytebot.Platform.Events;

internal sealed record EventTypeMapping(string Name, Type ClrType);

/// <summary>
/// Maps stable type names (<c>tasks.task_created</c>) to CLR records, so renaming or moving a class never
/// changes stored events.
/// </summary>
internal sealed class EventTypeRegistry
{
    // jsonb stores object keys sorted by length, so a polymorphic "type" discriminator is rarely first on the way back.
    private static readonly JsonSerializerOptions Options = new(JsonSerializerOptions.Web) { AllowOutOfOrderMetadataProperties = true };

    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = [];

    public EventTypeRegistry(IEnumerable<EventTypeMapping> mappings)
    {
        foreach (var (name, type) in mappings)
        {
            if (_byName.TryGetValue(name, out var known) && known != type)
                throw new InvalidOperationException($"Event type name '{name}' is registered for both {known} and {type}.");
            if (_byType.TryGetValue(type, out var knownName) && knownName != name)
                throw new InvalidOperationException($"{type} is registered as both '{knownName}' and '{name}'.");
            _byName[name] = type;
            _byType[type] = name;
        }
    }

    public (string Type, string Json) Serialize(object data)
    {
        var clrType = data.GetType();
        if (!_byType.TryGetValue(clrType, out var name))
            throw new InvalidOperationException($"{clrType} is not a registered event type; register it with services.AddEventType<{clrType.Name}>(\"module.name\").");
        return (name, JsonSerializer.Serialize(data, clrType, Options));
    }

    /// <summary>Events of types this process does not know (another module version wrote them) stay raw JSON.</summary>
    public object Deserialize(string type, string json) =>
        _byName.TryGetValue(type, out var clrType)
            ? JsonSerializer.Deserialize(json, clrType, Options)!
            : JsonSerializer.Deserialize<JsonElement>(json);
}

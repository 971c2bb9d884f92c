using System.Text.Json;
using Bytebot.Tasks.Contracts;

namespace Bytebot.Tasks.ReadModels;

/// <summary>The enum and JSON spellings stored in read-model rows, which are Bytebot's wire names.</summary>
internal static class Wire
{
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        JsonSerializer.Serialize(value).Trim('"');

    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        JsonSerializer.Deserialize<TEnum>($"\"{name}\"");

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    public static int Rank(AgentTaskPriority priority) => (int)priority;
}

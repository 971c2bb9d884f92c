using System.Text.Json;
using Bytebot.Desktop.Contracts;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// Reads the fields of one JSON object by name, recording every missing, mistyped and unknown field under its path
/// (<c>path[2].x</c>) instead of stopping at the first, so one 400 names them all.
/// </summary>
internal sealed class JsonFields(JsonElement value, string prefix, Dictionary<string, List<string>> errors)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, PointerButton> Buttons = Names<PointerButton>();
    public static readonly IReadOnlyDictionary<string, Press> Presses = Names<Press>();
    public static readonly IReadOnlyDictionary<string, Direction> Directions = Names<Direction>();
    public static readonly IReadOnlyDictionary<string, ImageEncoding> Encodings = Names<ImageEncoding>();

    public void Error(string field, string problem)
    {
        var path = field.Length == 0 ? (prefix.Length == 0 ? "$" : prefix) : prefix.Length == 0 ? field : $"{prefix}.{field}";
        if (!errors.TryGetValue(path, out var problems))
            errors[path] = problems = [];
        problems.Add(problem);
    }

    /// <summary>Marks a field as known without reading it (the discriminator).</summary>
    public void Skip(string name) => _read.Add(name);

    private bool TryGet(string name, bool required, JsonValueKind kind, string expected, out JsonElement field)
    {
        _read.Add(name);
        if (!value.TryGetProperty(name, out field) || field.ValueKind == JsonValueKind.Null)
        {
            if (required)
                Error(name, "is required.");
            return false;
        }
        if (field.ValueKind != kind && !(kind == JsonValueKind.True && field.ValueKind == JsonValueKind.False))
        {
            Error(name, $"must be {expected}, not {Describe(field.ValueKind)}.");
            return false;
        }
        return true;
    }

    public string? String(string name, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.String, "a string", out var field))
            return null;
        if (TryString(field) is { } text)
            return text;
        Error(name, "must be valid Unicode (it holds an unpaired surrogate).");
        return null;
    }

    public bool? Bool(string name) =>
        TryGet(name, false, JsonValueKind.True, "true or false", out var field) ? field.GetBoolean() : null;

    public int? Int(string name, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.Number, "a number", out var field))
            return null;
        // Bytebot's clients send JSON numbers; 5.0 is an integer, 5.5 and 1e300 are not.
        if (field.TryGetDouble(out var number) && Math.Floor(number) == number && number is >= int.MinValue and <= int.MaxValue)
            return (int)number;
        Error(name, $"must be a whole number between {int.MinValue} and {int.MaxValue}, not {field.GetRawText()}.");
        return null;
    }

    public double? Number(string name)
    {
        if (!TryGet(name, false, JsonValueKind.Number, "a number", out var field))
            return null;
        if (field.TryGetDouble(out var number) && double.IsFinite(number))
            return number;
        Error(name, $"must be a finite number, not {field.GetRawText()}.");
        return null;
    }

    public T? Enum<T>(string name, IReadOnlyDictionary<string, T> values, bool required = false)
        where T : struct, System.Enum
    {
        var text = String(name, required);
        if (text is null)
            return null;
        if (values.TryGetValue(text, out var result))
            return result;
        Error(name, $"must be one of {string.Join(", ", values.Keys)}, not '{text}'.");
        return null;
    }

    public Coordinates? Point(string name, bool required = false) =>
        TryGet(name, required, JsonValueKind.Object, "an object {x, y}", out var field) ? ReadPoint(field, Path(name)) : null;

    public IReadOnlyList<Coordinates>? Points(string name, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.Array, "an array of {x, y}", out var field))
            return null;
        var points = new List<Coordinates>();
        var i = 0;
        foreach (var item in field.EnumerateArray())
        {
            var path = $"{Path(name)}[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
                new JsonFields(item, path, errors).Error("", $"must be an object {{x, y}}, not {Describe(item.ValueKind)}.");
            else if (ReadPoint(item, path) is { } point)
                points.Add(point);
        }
        return points;
    }

    public IReadOnlyList<string>? Strings(string name, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.Array, "an array of strings", out var field))
            return null;
        var strings = new List<string>();
        var i = 0;
        foreach (var item in field.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && TryString(item) is { } text)
                strings.Add(text);
            else if (item.ValueKind == JsonValueKind.String)
                new JsonFields(item, $"{Path(name)}[{i}]", errors).Error("", "must be valid Unicode.");
            else
                new JsonFields(item, $"{Path(name)}[{i}]", errors).Error("", $"must be a string, not {Describe(item.ValueKind)}.");
            i++;
        }
        return strings;
    }

    public ScreenRegion? Region(string name)
    {
        if (!TryGet(name, false, JsonValueKind.Object, "an object {x, y, width, height}", out var field))
            return null;
        var region = new JsonFields(field, Path(name), errors);
        var (x, y, width, height) = (region.Int("x", true), region.Int("y", true), region.Int("width", true), region.Int("height", true));
        region.RejectUnknown();
        return x is null || y is null || width is null || height is null ? null : new ScreenRegion(x.Value, y.Value, width.Value, height.Value);
    }

    /// <summary>Anthropic's region, <c>[x0, y0, x1, y1]</c> with x1 and y1 exclusive, as a <see cref="ScreenRegion"/>.</summary>
    public ScreenRegion? Corners(string name, bool required = false)
    {
        if (!TryGet(name, required, JsonValueKind.Array, "an array [x0, y0, x1, y1]", out var field))
            return null;
        var corners = new int[4];
        var count = 0;
        foreach (var item in field.EnumerateArray())
        {
            var path = $"{Path(name)}[{count}]";
            if (count < 4 && item.ValueKind == JsonValueKind.Number && item.TryGetDouble(out var number)
                && Math.Floor(number) == number && number is >= int.MinValue and <= int.MaxValue)
                corners[count] = (int)number;
            else if (count < 4)
                new JsonFields(item, path, errors).Error("", $"must be a whole number, not {item.GetRawText()}.");
            count++;
        }
        if (count != 4)
        {
            Error(name, $"must hold exactly 4 numbers [x0, y0, x1, y1], not {count}.");
            return null;
        }
        var (width, height) = ((long)corners[2] - corners[0], (long)corners[3] - corners[1]);
        if (width is < 1 or > int.MaxValue || height is < 1 or > int.MaxValue)
        {
            Error(name, $"must have x1 > x0 and y1 > y0, but is [{string.Join(", ", corners)}].");
            return null;
        }
        return new ScreenRegion(corners[0], corners[1], (int)width, (int)height);
    }

    public byte[]? Base64(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
            return null;
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            Error(name, "must be base64.");
            return null;
        }
    }

    /// <summary>Records every field that was not read (Bytebot silently ignored them) and every duplicated name.</summary>
    public void RejectUnknown()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                Error(property.Name, "appears more than once.");
            else if (!_read.Contains(property.Name))
                Error(property.Name, "is not a field of this action.");
        }
    }

    // System.Text.Json refuses escaped lone surrogates ("\ud800") when it materializes the string.
    private static string? TryString(JsonElement item)
    {
        try
        {
            return item.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private Coordinates? ReadPoint(JsonElement element, string path)
    {
        var point = new JsonFields(element, path, errors);
        var (x, y) = (point.Int("x", true), point.Int("y", true));
        point.RejectUnknown();
        return x is null || y is null ? null : new Coordinates(x.Value, y.Value);
    }

    private string Path(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static Dictionary<string, T> Names<T>()
        where T : struct, System.Enum =>
        System.Enum.GetValues<T>().ToDictionary(v => v.ToString().ToLowerInvariant(), v => v, StringComparer.Ordinal);
}

using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;

namespace Bytebot.Desktop.Features.Actions;

/// <summary>
/// Collects every problem of an action before it runs, so a rejected action has touched nothing and the caller learns
/// all its mistakes at once. Handlers use it, so bus callers get the same checks as HTTP callers.
/// </summary>
internal sealed class Violations
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string problem)
    {
        if (!_errors.TryGetValue(field, out var problems))
            _errors[field] = problems = [];
        problems.Add(problem);
    }

    public Violations Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
            Add(field, $"must be between {min} and {max}, but is {value}.");
        return this;
    }

    public Violations OnScreen(string field, Coordinates? point, ScreenSize screen)
    {
        if (point is not null && (point.X < 0 || point.Y < 0 || point.X >= screen.Width || point.Y >= screen.Height))
            Add(field, $"({point.X}, {point.Y}) is outside the {screen.Width}x{screen.Height} screen.");
        return this;
    }

    public Violations Inside(string field, ScreenRegion? region, ScreenSize screen)
    {
        if (region is { } r && (r.X < 0 || r.Y < 0 || (long)r.X + r.Width > screen.Width || (long)r.Y + r.Height > screen.Height))
            Add(field, $"({r.X}, {r.Y}, {r.Width}x{r.Height}) is not inside the {screen.Width}x{screen.Height} screen.");
        return this;
    }

    public Violations Path(string field, IReadOnlyList<Coordinates> path, ScreenSize screen)
    {
        if (path.Count == 0)
            Add(field, "must hold at least one point.");
        for (var i = 0; i < path.Count; i++)
            OnScreen($"{field}[{i}]", path[i], screen);
        return this;
    }

    public KeySymbol[] Keys(string field, IReadOnlyList<string> names, bool required)
    {
        if (required && names.Count == 0)
            Add(field, "must name at least one key.");
        var keys = new KeySymbol[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            if (!KeyNames.TryResolve(names[i], out keys[i]))
                Add($"{field}[{i}]", $"Unknown key '{names[i]}'.");
        }
        return keys;
    }

    public void ThrowIfAny()
    {
        if (Any)
            throw new ComputerActionRejectedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
    }
}

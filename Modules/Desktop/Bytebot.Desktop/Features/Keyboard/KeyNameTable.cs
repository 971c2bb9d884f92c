using Bytebot.Desktop.Driver;

namespace Bytebot.Desktop.Features.Keyboard;

/// <summary>The key-name lookup the handlers validate with; a seam so composition can be unit-tested without X.</summary>
internal interface IKeyNames
{
    bool TryResolve(string name, out KeySymbol key);
}

internal sealed class KeyNameTable : IKeyNames
{
    public bool TryResolve(string name, out KeySymbol key) => KeyNames.TryResolve(name, out key);
}

using System.Diagnostics;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.X11;

namespace Bytebot.Desktop.Input;

/// <summary>
/// Keysym → (keycode, Shift) from the server's keymap, plus characters the layout lacks bound to spare keycodes.
/// Clients re-read the keymap lazily when they process a key event, so a binding must outlive the keystroke:
/// bindings stay ("sticky", least recently used is rebound) and a keycode is rebound only
/// <see cref="ReuseDelay"/> after it was last typed. 150 ms lost a character with the machine at load 16; the wait
/// is paid about once per 19 distinct foreign characters, since the victims were typed in one burst.
/// All bindings are reverted when the session ends.
/// </summary>
internal sealed unsafe class Keyboard(XSession session)
{
    public static readonly TimeSpan ReuseDelay = TimeSpan.FromMilliseconds(500);

    private const nuint ShiftL = 0xffe1;
    private const nuint ShiftR = 0xffe2;
    private const nuint CapsLock = 0xffe5;

    private readonly Dictionary<nuint, KeyStroke> _table = [];
    private readonly Dictionary<nuint, SpareKey> _boundByKeysym = [];
    private readonly List<SpareKey> _spare = [];
    private bool _loaded;

    public void SetKeys(IReadOnlyList<KeySymbol> keys, bool down, CancellationToken cancellationToken)
    {
        ReadKeymap();
        var codes = keys.Select(k => Resolve(k.Keysym, cancellationToken).Keycode).ToArray();
        foreach (var code in codes)
            Key(code, down);
        session.Sync();
    }

    public void Type(string text, TimeSpan delay, CancellationToken cancellationToken)
    {
        var keysyms = ToKeysyms(text);
        ReadKeymap();
        ReleaseStuckModifiers();
        var shift = Keycode(ShiftL);
        foreach (var keysym in keysyms)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stroke = Resolve(keysym, cancellationToken);
            if (stroke.Shift)
                Key(shift, true);
            Key(stroke.Keycode, true);
            Key(stroke.Keycode, false);
            if (stroke.Shift)
                Key(shift, false);
            if (delay > TimeSpan.Zero)
                session.Pause(delay, cancellationToken);
        }
        session.Sync();
    }

    /// <summary>Keysyms for the text; rejects control characters other than \n, \r and \t before anything is typed.</summary>
    public static List<nuint> ToKeysyms(string text)
    {
        List<nuint> keysyms = new(text.Length);
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            switch (value)
            {
                case '\r' when index + 1 < text.Length && text[index + 1] == '\n':
                    break;
                case '\n' or '\r':
                    keysyms.Add(0xff0d);
                    break;
                case '\t':
                    keysyms.Add(0xff09);
                    break;
                case < 0x20 or (>= 0x7f and < 0xa0):
                    throw new ArgumentException($"The text contains the control character U+{value:X4} at index {index}, which cannot be typed.", nameof(text));
                case < 0x100:
                    keysyms.Add((nuint)value);
                    break;
                default:
                    keysyms.Add(0x01000000 | (nuint)value);
                    break;
            }
            index += rune.Utf16SequenceLength;
        }
        return keysyms;
    }

    public void RevertBindings()
    {
        if (!_loaded)
            return;
        nuint noSymbol = 0;
        foreach (var spare in _spare.Where(s => s.Keysym != 0))
            Xlib.XChangeKeyboardMapping(session.Display, (int)spare.Keycode, 1, &noSymbol, 1);
        _boundByKeysym.Clear();
    }

    private void Key(uint keycode, bool down) => XTest.XTestFakeKeyEvent(session.Display, keycode, down ? 1 : 0, 0);

    private uint Keycode(nuint keysym) => _table.TryGetValue(keysym, out var stroke) ? stroke.Keycode : 0;

    private KeyStroke Resolve(nuint keysym, CancellationToken cancellationToken)
    {
        if (_table.TryGetValue(keysym, out var stroke))
            return stroke;
        if (!_boundByKeysym.TryGetValue(keysym, out var spare))
            spare = Bind(keysym, cancellationToken);
        spare.LastTyped = Stopwatch.GetTimestamp();
        return new KeyStroke(spare.Keycode, false);
    }

    private SpareKey Bind(nuint keysym, CancellationToken cancellationToken)
    {
        if (_spare.Count == 0)
            throw new InvalidOperationException($"The keymap has no spare keycode to bind keysym 0x{keysym:x} to.");
        var victim = _spare.MinBy(s => s.LastTyped)!;
        if (victim.Keysym != 0)
        {
            var since = Stopwatch.GetElapsedTime(victim.LastTyped);
            if (since < ReuseDelay)
            {
                Xlib.XSync(session.Display, 0);
                session.Pause(ReuseDelay - since, cancellationToken);
            }
            _boundByKeysym.Remove(victim.Keysym);
        }
        var pair = stackalloc nuint[2] { keysym, keysym };
        Xlib.XChangeKeyboardMapping(session.Display, (int)victim.Keycode, 2, pair, 1);
        session.Sync();
        victim.Keysym = keysym;
        _boundByKeysym[keysym] = victim;
        return victim;
    }

    /// <summary>Modifier state is server-wide: a Shift or Caps Lock left on by an earlier action would change every letter.</summary>
    private void ReleaseStuckModifiers()
    {
        Xlib.XQueryPointer(session.Display, session.Root, out _, out _, out _, out _, out _, out _, out var mask);
        if ((mask & Xlib.ShiftMask) != 0)
        {
            foreach (var keysym in (ReadOnlySpan<nuint>)[ShiftL, ShiftR])
            {
                if (Keycode(keysym) is var code and not 0)
                    Key(code, false);
            }
        }
        if ((mask & Xlib.LockMask) != 0 && Keycode(CapsLock) is var caps and not 0)
        {
            Key(caps, true);
            Key(caps, false);
        }
        session.Sync();
    }

    /// <summary>
    /// Read before every typing call (one round trip): a layout switch with setxkbmap sends XKB notifications but
    /// no core MappingNotify to this connection, so waiting for an event left a stale table (tested).
    /// </summary>
    private void ReadKeymap()
    {
        Xlib.XDisplayKeycodes(session.Display, out var min, out var max);
        var map = Xlib.XGetKeyboardMapping(session.Display, (uint)min, max - min + 1, out var perCode);
        if (map is null)
            throw new XConnectionLostException("XGetKeyboardMapping returned nothing.");
        try
        {
            Load(new ReadOnlySpan<nuint>(map, (max - min + 1) * perCode), min, perCode);
        }
        finally
        {
            Xlib.XFree(map);
        }
        _loaded = true;
    }

    /// <summary>
    /// Spare = a keycode with no symbols, or one still carrying our own binding. A layout switch may take a spare
    /// keycode into use or wipe our bindings; both are noticed here.
    /// </summary>
    private void Load(ReadOnlySpan<nuint> map, int min, int perCode)
    {
        var previous = _spare.ToDictionary(s => s.Keycode);
        _spare.Clear();
        _boundByKeysym.Clear();
        _table.Clear();
        for (var i = 0; i < map.Length / perCode; i++)
        {
            var keycode = (uint)(min + i);
            var syms = map.Slice(i * perCode, perCode);
            var spare = previous.GetValueOrDefault(keycode);
            if (spare is { Keysym: not 0 } && syms[0] == spare.Keysym && syms.IndexOfAnyExcept(spare.Keysym, (nuint)0) < 0)
            {
                _spare.Add(spare);
                _boundByKeysym[spare.Keysym] = spare;
                continue;
            }
            if (syms.IndexOfAnyExcept((nuint)0) < 0)
            {
                spare ??= new SpareKey(keycode);
                spare.Keysym = 0;
                _spare.Add(spare);
                continue;
            }
            for (var level = 0; level < Math.Min(2, perCode); level++)
            {
                if (syms[level] != 0)
                    _table.TryAdd(syms[level], new KeyStroke(keycode, level == 1));
            }
        }
        // A level-0 entry from a later keycode must win over a level-1 entry from an earlier one ('<' on 94 vs ',').
        for (var i = 0; i < map.Length / perCode; i++)
        {
            if (map[i * perCode] is var plain and not 0 && _table.TryGetValue(plain, out var stroke) && stroke.Shift)
                _table[plain] = new KeyStroke((uint)(min + i), false);
        }
    }

    private readonly record struct KeyStroke(uint Keycode, bool Shift);

    private sealed class SpareKey(uint keycode)
    {
        public uint Keycode { get; } = keycode;
        public nuint Keysym { get; set; }
        public long LastTyped { get; set; }
    }
}

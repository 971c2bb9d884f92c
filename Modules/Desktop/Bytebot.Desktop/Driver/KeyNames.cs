using System.Collections.Frozen;
using System.Globalization;
using Bytebot.Desktop.Input;

namespace Bytebot.Desktop.Driver;

/// <summary>
/// User-facing key names → X keysyms: Bytebot's set (nut-js names, X11 keysym names, case-insensitive) plus the
/// aliases people type (esc, cmd, win, super, del, pgup, pgdn, return…). A single character names its own key.
/// </summary>
internal static class KeyNames
{
    private static readonly FrozenDictionary<string, nuint> Names = Build().ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static bool TryResolve(string name, out KeySymbol key)
    {
        ArgumentNullException.ThrowIfNull(name);
        key = default;
        if (name.Length == 0)
            return false;
        if (Names.TryGetValue(name, out var keysym) || TrySingleCharacter(name, out keysym))
        {
            key = new KeySymbol(name, keysym);
            return true;
        }
        return false;
    }

    private static bool TrySingleCharacter(string name, out nuint keysym)
    {
        keysym = 0;
        if (!System.Text.Rune.TryGetRuneAt(name, 0, out var rune) || rune.Utf16SequenceLength != name.Length || System.Text.Rune.IsControl(rune))
            return false;
        keysym = Keyboard.ToKeysyms(name)[0];
        return true;
    }

    private static Dictionary<string, nuint> Build()
    {
        Dictionary<string, nuint> names = new(StringComparer.OrdinalIgnoreCase);
        void Add(nuint keysym, params string[] aliases)
        {
            foreach (var alias in aliases)
                names.Add(alias, keysym);
        }

        Add(0xffe1, "Shift", "Shift_L", "LeftShift", "lshift");
        Add(0xffe2, "Shift_R", "RightShift", "rshift");
        Add(0xffe3, "Control", "ctrl", "Control_L", "LeftControl", "LeftCtrl", "lctrl");
        Add(0xffe4, "Control_R", "RightControl", "RightCtrl", "rctrl");
        Add(0xffe9, "Alt", "Alt_L", "LeftAlt", "option", "lalt");
        Add(0xffea, "Alt_R", "RightAlt", "ralt");
        Add(0xffe7, "Meta_L");
        Add(0xffe8, "Meta_R");
        Add(0xffeb, "Super", "Super_L", "LeftSuper", "LeftWin", "LeftCmd", "Meta", "cmd", "command", "win", "windows");
        Add(0xffec, "Super_R", "RightSuper", "RightWin", "RightCmd");
        Add(0xffe5, "Caps_Lock", "CapsLock");
        Add(0xff7f, "Num_Lock", "NumLock");
        Add(0xff14, "Scroll_Lock", "ScrollLock");

        Add(0xff0d, "Return", "Enter");
        Add(0xff1b, "Escape", "esc");
        Add(0xff09, "Tab");
        Add(0x20, "space");
        Add(0xff08, "BackSpace", "bksp");
        Add(0xffff, "Delete", "del");
        Add(0xff63, "Insert", "ins");
        Add(0xff50, "Home");
        Add(0xff57, "End");
        Add(0xff55, "Page_Up", "PageUp", "Prior", "pgup");
        Add(0xff56, "Page_Down", "PageDown", "Next", "pgdn");
        Add(0xff51, "Left", "ArrowLeft");
        Add(0xff52, "Up", "ArrowUp");
        Add(0xff53, "Right", "ArrowRight");
        Add(0xff54, "Down", "ArrowDown");
        Add(0xff67, "Menu", "ContextMenu", "Apps");
        Add(0xff13, "Pause", "Break");
        Add(0xff61, "Print", "PrintScreen", "PrtSc", "PrintScr");
        Add(0xff0b, "Clear");

        for (var n = 1; n <= 24; n++)
            Add((nuint)(0xffbe + n - 1), "F" + n.ToString(CultureInfo.InvariantCulture));
        for (var n = 0; n <= 9; n++)
        {
            var digit = n.ToString(CultureInfo.InvariantCulture);
            Add((nuint)('0' + n), "Num" + digit);
            Add((nuint)(0xffb0 + n), "NumPad" + digit, "KP_" + digit);
        }
        Add(0xffab, "KP_Add", "Add");
        Add(0xffad, "KP_Subtract", "Subtract");
        Add(0xffaa, "KP_Multiply", "Multiply");
        Add(0xffaf, "KP_Divide", "Divide");
        Add(0xffae, "KP_Decimal", "Decimal");
        Add(0xffbd, "KP_Equal");
        Add(0xff8d, "KP_Enter");

        Add('`', "grave", "quoteleft", "Backquote");
        Add('-', "minus");
        Add('=', "equal");
        Add('[', "bracketleft", "LeftBracket");
        Add(']', "bracketright", "RightBracket");
        Add('\\', "backslash");
        Add(';', "semicolon");
        Add('\'', "apostrophe", "Quote");
        Add(',', "comma");
        Add('.', "period");
        Add('/', "slash");
        Add('!', "exclam");
        Add('@', "at");
        Add('#', "numbersign");
        Add('$', "dollar");
        Add('%', "percent");
        Add('^', "asciicircum");
        Add('&', "ampersand");
        Add('*', "asterisk");
        Add('(', "parenleft");
        Add(')', "parenright");
        Add('_', "underscore");
        Add('+', "plus");
        Add('{', "braceleft");
        Add('}', "braceright");
        Add('|', "bar");
        Add(':', "colon");
        Add('"', "quotedbl");
        Add('<', "less");
        Add('>', "greater");
        Add('?', "question");
        Add('~', "asciitilde");

        Add(0x1008ff12, "AudioMute", "XF86AudioMute");
        Add(0x1008ff11, "AudioVolDown", "AudioLowerVolume", "XF86AudioLowerVolume");
        Add(0x1008ff13, "AudioVolUp", "AudioRaiseVolume", "XF86AudioRaiseVolume");
        Add(0x1008ff14, "AudioPlay", "XF86AudioPlay");
        Add(0x1008ff15, "AudioStop", "XF86AudioStop");
        Add(0x1008ff31, "AudioPause", "XF86AudioPause");
        Add(0x1008ff16, "AudioPrev", "XF86AudioPrev");
        Add(0x1008ff17, "AudioNext", "XF86AudioNext");
        Add(0x1008ff3e, "AudioRewind", "XF86AudioRewind");
        Add(0x1008ff97, "AudioForward", "XF86AudioForward");
        Add(0x1008ff98, "AudioRepeat", "XF86AudioRepeat");
        Add(0x1008ff99, "AudioRandom", "AudioRandomPlay", "XF86AudioRandomPlay");
        return names;
    }
}

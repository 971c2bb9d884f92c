namespace Bytebot.Desktop.Accessibility;

/// <summary>
/// AT-SPI's state set (<c>AtspiStateType</c>, at-spi2-core <c>atspi-constants.h</c>): 64 bits, sent as two words.
/// </summary>
internal readonly record struct AccessibleStates(ulong Bits)
{
    public const int Active = 1;
    public const int Enabled = 8;
    public const int Focusable = 11;
    public const int Sensitive = 24;
    public const int Showing = 25;
    public const int Visible = 30;
    public const int ManagesDescendants = 31;
    public const int ReadOnly = 43;

    private static readonly string[] Names =
    [
        "invalid", "active", "armed", "busy", "checked", "collapsed", "defunct", "editable", "enabled", "expandable",
        "expanded", "focusable", "focused", "has-tooltip", "horizontal", "iconified", "modal", "multi-line",
        "multiselectable", "opaque", "pressed", "resizable", "selectable", "selected", "sensitive", "showing",
        "single-line", "stale", "transient", "vertical", "visible", "manages-descendants", "indeterminate", "required",
        "truncated", "animated", "invalid-entry", "supports-autocompletion", "selectable-text", "is-default", "visited",
        "checkable", "has-popup", "read-only",
    ];

    public static AccessibleStates From(uint[] words) =>
        new((words.Length > 0 ? words[0] : 0) | (words.Length > 1 ? (ulong)words[1] << 32 : 0));

    public bool Has(int state) => (Bits & (1UL << state)) != 0;

    /// <summary>
    /// The names a caller reads: every listed element is showing and visible, so those two are left out.
    /// GTK4 sets only <c>enabled</c> where GTK3 sets <c>sensitive</c> too: both mean operable.
    /// </summary>
    public IReadOnlyList<string> Described()
    {
        List<string> names = [];
        for (var state = 1; state < Names.Length; state++)
            if (Has(state) && state is not Showing and not Visible)
                names.Add(Names[state]);
        return names;
    }
}

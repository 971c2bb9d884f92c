using Bytebot.Desktop.Contracts;
using Tmds.DBus.Protocol;

namespace Bytebot.Desktop.Accessibility;

/// <summary>
/// The AT-SPI calls the desktop makes (at-spi2-core <c>xml/*.xml</c>), each with its own timeout: one application that
/// hangs must not hang the caller. Properties are read one by one: Qt5 crashes on <c>Properties.GetAll</c>.
/// </summary>
internal sealed class AtSpi(DBusConnection connection)
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    public static readonly AccessibleRef Root = new("org.a11y.atspi.Registry", AccessibleRef.Prefix + "root");

    private const string Accessible = "org.a11y.atspi.Accessible";
    private const string Component = "org.a11y.atspi.Component";
    private const string ActionInterface = "org.a11y.atspi.Action";
    private const string EditableText = "org.a11y.atspi.EditableText";
    private const string TextInterface = "org.a11y.atspi.Text";
    private const string ValueInterface = "org.a11y.atspi.Value";
    private const string Properties = "org.freedesktop.DBus.Properties";

    // AtspiRelationType ATSPI_RELATION_LABELLED_BY; ATSPI_COORD_TYPE_SCREEN.
    private const uint LabelledBy = 2;
    private const uint ScreenCoordinates = 0;

    private delegate void Arguments(ref MessageWriter writer);

    public Task<AccessibleRef[]> ChildrenAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, Accessible, "GetChildren", null, null, (m, _) =>
        {
            var reader = m.GetBodyReader();
            return ReadReferences(ref reader);
        }, cancellationToken);

    public Task<string> RoleNameAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, Accessible, "GetRoleName", null, null,
            (m, _) => m.GetBodyReader().ReadString(), cancellationToken);

    public Task<AccessibleStates> StatesAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, Accessible, "GetState", null, null,
            (m, _) => AccessibleStates.From(m.GetBodyReader().ReadArrayOfUInt32()), cancellationToken);

    public Task<string[]> InterfacesAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, Accessible, "GetInterfaces", null, null,
            (m, _) => m.GetBodyReader().ReadArrayOfString(), cancellationToken);

    public Task<string> NameAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        PropertyAsync(element, Accessible, "Name",
            v => v.Type == VariantValueType.String ? v.GetString() : "", cancellationToken);

    /// <summary>The elements that label this one (a text field's "Name:" label).</summary>
    public Task<AccessibleRef[]> LabelsAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, Accessible, "GetRelationSet", null, null, (m, _) =>
        {
            var reader = m.GetBodyReader();
            List<AccessibleRef> labels = [];
            var relations = reader.ReadArrayStart(DBusType.Struct);
            while (reader.HasNext(relations))
            {
                reader.AlignStruct();
                var type = reader.ReadUInt32();
                var targets = ReadReferences(ref reader);
                if (type == LabelledBy)
                    labels.AddRange(targets);
            }
            return labels.ToArray();
        }, cancellationToken);

    /// <summary>Null when the element has no place on the screen (GTK answers -1 or a zero size).</summary>
    public Task<ScreenRegion?> ExtentsAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, Component, "GetExtents", "u", (ref MessageWriter w) => w.WriteUInt32(ScreenCoordinates),
            (m, _) =>
        {
            var reader = m.GetBodyReader();
            reader.AlignStruct();
            var (x, y) = (reader.ReadInt32(), reader.ReadInt32());
            var (width, height) = (reader.ReadInt32(), reader.ReadInt32());
            return width > 0 && height > 0 && x >= 0 && y >= 0 ? new ScreenRegion(x, y, width, height) : null;
        }, cancellationToken);

    /// <summary>The names of the element's actions, by index.</summary>
    public Task<string[]> ActionsAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, ActionInterface, "GetActions", null, null, (m, _) =>
        {
            var reader = m.GetBodyReader();
            List<string> names = [];
            var actions = reader.ReadArrayStart(DBusType.Struct);
            while (reader.HasNext(actions))
            {
                reader.AlignStruct();
                names.Add(reader.ReadString());
                reader.ReadString();
                reader.ReadString();
            }
            return names.ToArray();
        }, cancellationToken);

    public Task<bool> DoActionAsync(AccessibleRef element, int index, CancellationToken cancellationToken) =>
        CallAsync(element, ActionInterface, "DoAction", "i", (ref MessageWriter w) => w.WriteInt32(index),
            (m, _) => m.GetBodyReader().ReadBool(), cancellationToken);

    public Task<bool> GrabFocusAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        CallAsync(element, Component, "GrabFocus", null, null,
            (m, _) => m.GetBodyReader().ReadBool(), cancellationToken);

    public Task<bool> SetTextAsync(AccessibleRef element, string text, CancellationToken cancellationToken) =>
        CallAsync(element, EditableText, "SetTextContents", "s", (ref MessageWriter w) => w.WriteString(text),
            (m, _) => m.GetBodyReader().ReadBool(), cancellationToken);

    /// <summary>The element's text from the start, at most <paramref name="length"/> characters.</summary>
    public Task<string> TextAsync(AccessibleRef element, int length, CancellationToken cancellationToken) =>
        CallAsync(element, TextInterface, "GetText", "ii", (ref MessageWriter w) =>
        {
            w.WriteInt32(0);
            w.WriteInt32(length);
        }, (m, _) => m.GetBodyReader().ReadString(), cancellationToken);

    public Task<double> NumberAsync(AccessibleRef element, CancellationToken cancellationToken) =>
        PropertyAsync(element, ValueInterface, "CurrentValue",
            v => v.Type == VariantValueType.Double ? v.GetDouble() : double.NaN, cancellationToken);

    public async Task SetNumberAsync(AccessibleRef element, double value, CancellationToken cancellationToken) =>
        await CallAsync(element, Properties, "Set", "ssv", (ref MessageWriter w) =>
        {
            w.WriteString(ValueInterface);
            w.WriteString("CurrentValue");
            w.WriteVariantDouble(value);
        }, (_, _) => true, cancellationToken).ConfigureAwait(false);

    private Task<T> PropertyAsync<T>(
        AccessibleRef element, string @interface, string name, Func<VariantValue, T> convert,
        CancellationToken cancellationToken) =>
        CallAsync(element, Properties, "Get", "ss", (ref MessageWriter w) =>
        {
            w.WriteString(@interface);
            w.WriteString(name);
        }, (m, _) => convert(m.GetBodyReader().ReadVariantValue()), cancellationToken);

    private static AccessibleRef[] ReadReferences(ref Reader reader)
    {
        List<AccessibleRef> references = [];
        var items = reader.ReadArrayStart(DBusType.Struct);
        while (reader.HasNext(items))
        {
            reader.AlignStruct();
            references.Add(new AccessibleRef(reader.ReadString(), reader.ReadObjectPathAsString()));
        }
        return references.ToArray();
    }

    private Task<T> CallAsync<T>(
        AccessibleRef element, string @interface, string member, string? signature, Arguments? arguments,
        MessageValueReader<T> reader, CancellationToken cancellationToken) =>
        connection.CallMethodAsync(Message(element, @interface, member, signature, arguments), reader, null)
            .WaitAsync(CallTimeout, cancellationToken);

    private MessageBuffer Message(
        AccessibleRef element, string @interface, string member, string? signature, Arguments? arguments)
    {
        var writer = connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(element.Bus, element.Path, @interface, member, signature);
            arguments?.Invoke(ref writer);
            return writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
    }
}

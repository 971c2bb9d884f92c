using Tmds.DBus.Protocol;

namespace Bytebot.Desktop.Accessibility;

internal static class AtSpiErrors
{
    /// <summary>
    /// The object or its application is not there (any more), or it does not have the interface asked.
    /// </summary>
    public static bool IsGone(Exception exception) => exception is DBusErrorReplyException
    {
        ErrorName: "org.freedesktop.DBus.Error.UnknownObject" or "org.freedesktop.DBus.Error.ServiceUnknown"
            or "org.freedesktop.DBus.Error.UnknownMethod" or "org.freedesktop.DBus.Error.UnknownInterface"
            or "org.freedesktop.DBus.Error.NameHasNoOwner" or "org.freedesktop.DBus.Error.NoReply"
            or "org.freedesktop.DBus.Error.Failed" or "org.freedesktop.DBus.Error.InvalidArgs",
    };
}

namespace Bytebot.Tests.Integration.Desktop;

/// <summary>Desktops run one at a time: two XFCE sessions starting at once starve a 2-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class OneDesktopAtATime
{
    public const string Name = "Desktop";
}

namespace Bytebot.Desktop.Screen;

/// <summary>Screen pixels as B,G,R,X (the X byte is undefined), rows <see cref="Stride"/> bytes apart.</summary>
internal sealed record ScreenFrame(byte[] Pixels, int Width, int Height, int Stride);

using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Bytebot.Host.Auth;

/// <summary>
/// The Data Protection key ring under <c>{DataDir}/keys</c> (0700), each key file 0600: the keys decrypt the session
/// cookies and the secrets vault, and Linux stores them unencrypted (no DPAPI), so file modes are their protection.
/// </summary>
internal sealed class PrivateKeyRing(DirectoryInfo directory, ILoggerFactory loggers) : IXmlRepository
{
    public const string DirectoryName = "keys";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly FileSystemXmlRepository _files = new(directory, loggers);

    public static PrivateKeyRing In(string path, ILoggerFactory loggers) => new(
        Directory.CreateDirectory(path, OwnerOnly | UnixFileMode.UserExecute), loggers);

    public IReadOnlyCollection<XElement> GetAllElements() => _files.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        _files.StoreElement(element, friendlyName);
        // The repository writes through a temporary file with the process umask; the directory already keeps others out.
        foreach (var file in directory.EnumerateFiles("*.xml"))
        {
            if (file.UnixFileMode != OwnerOnly)
                file.UnixFileMode = OwnerOnly;
        }
    }
}

using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.Driver;
using Bytebot.Desktop.Features;
using Bytebot.Desktop.Features.Actions;
using Bytebot.Desktop.Features.Apps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;

namespace Bytebot.Tests.Unit.Desktop;

/// <summary>The action handlers' ports, with substitutes for those a test does not care about (no workspace).</summary>
internal static class TestDesktopActions
{
    public static DesktopActions With(
        ActionQueue queue, IDesktopDriver? driver = null, ICommandRunner? runner = null,
        IDesktopEnvironment? environment = null, ComputerUseOptions? options = null,
        Bytebot.Secrets.Contracts.ISecretValues? secrets = null) =>
        new(driver ?? Substitute.For<IDesktopDriver>(), queue, null!, runner ?? Substitute.For<ICommandRunner>(),
            environment ?? Substitute.For<IDesktopEnvironment>(), Options.Create(options ?? new ComputerUseOptions()),
            TimeProvider.System, NullLoggerFactory.Instance, null!, null!, secrets);
}

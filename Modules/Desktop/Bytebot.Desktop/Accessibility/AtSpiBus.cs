using Bytebot.Desktop.Contracts;
using Bytebot.Desktop.X11;
using Microsoft.Extensions.Logging;
using Tmds.DBus.Protocol;

namespace Bytebot.Desktop.Accessibility;

/// <summary>
/// The connection to the desktop's accessibility bus. Its address is where at-spi-bus-launcher publishes it for the
/// apps of the display: the root window's <c>AT_SPI_BUS</c> property (the session's own D-Bus is private to
/// dbus-run-session). An External desktop may name it in <c>AT_SPI_BUS_ADDRESS</c> instead. A lost connection (the
/// session restarted) reads the address again and connects again.
/// </summary>
internal sealed partial class AtSpiBus(IDesktopEnvironment environment, ILogger<AtSpiBus> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DBusConnection? _connection;
    private Task? _disconnected;

    public async Task<AtSpi> ConnectAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A live connection is used as it is: the bus goes away with the session, and a new session's is read anew.
            if (_connection is { } live && !_disconnected!.IsCompleted)
                return new AtSpi(live);
            _connection?.Dispose();
            _connection = null;
            var display = environment.Display;
            var address = await AddressAsync(display, cancellationToken).ConfigureAwait(false);
            var connection = new DBusConnection(address);
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(AtSpi.CallTimeout, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is DBusConnectFailedException or TimeoutException)
            {
                connection.Dispose();
                throw new DesktopUnavailableException(
                    $"The desktop's accessibility bus did not accept a connection: {e.Message}");
            }
            _disconnected = connection.DisconnectedAsync();
            _connection = connection;
            LogConnected(logger, display);
            return new AtSpi(connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> AddressAsync(string display, CancellationToken cancellationToken)
    {
        var address = await Task.Run(() => RootProperty.ReadText(display, "AT_SPI_BUS"), cancellationToken)
                .ConfigureAwait(false)
            ?? (environment.IsManaged ? null : System.Environment.GetEnvironmentVariable("AT_SPI_BUS_ADDRESS"));
        return string.IsNullOrEmpty(address)
            ? throw new DesktopUnavailableException(
                $"The desktop on {display} has no accessibility bus (no AT_SPI_BUS on its root window): its session "
                + "starts one with at-spi2-core, which build/setup installs.")
            : address;
    }

    public ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the accessibility bus of {Display}")]
    private static partial void LogConnected(ILogger logger, string display);
}

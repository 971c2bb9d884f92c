using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Bytebot.Channels.Telegram;

/// <summary><c>Telegram:*</c>; no <c>BotToken</c>, no channel. A bad setting stops the start with its name.</summary>
internal sealed partial record TelegramOptions(
    string? BotToken, string? ApiBaseUrl, IReadOnlySet<long> AllowedChatIds, bool WebhookMode, string? WebhookSecret,
    int MessagesPerMinute)
{
    public bool Enabled => BotToken is not null;

    public static TelegramOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection("Telegram");
        var token = section["BotToken"] is { Length: > 0 } t ? t : null;
        var baseUrl = section["ApiBaseUrl"] is { Length: > 0 } u ? u.TrimEnd('/') : null;
        if (baseUrl is not null && !Uri.TryCreate(baseUrl, UriKind.Absolute, out _))
            throw Bad("Telegram:ApiBaseUrl", "an absolute URL");
        var chats = section.GetSection("AllowedChatIds").GetChildren().Select(c =>
            long.TryParse(c.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw Bad(c.Path, "a chat id (an integer)")).ToHashSet();
        var webhook = (section["Mode"] ?? "Polling") switch
        {
            var m when m.Equals("Polling", StringComparison.OrdinalIgnoreCase) => false,
            var m when m.Equals("Webhook", StringComparison.OrdinalIgnoreCase) => true,
            _ => throw Bad("Telegram:Mode", "Polling or Webhook"),
        };
        var secret = section["WebhookSecret"] is { Length: > 0 } s ? s : null;
        // Telegram's own rule for setWebhook's secret_token, which it sends back as X-Telegram-Bot-Api-Secret-Token.
        if (secret is not null && !SecretShape().IsMatch(secret))
            throw Bad("Telegram:WebhookSecret", "1 to 256 characters of A-Z, a-z, 0-9, _ and -");
        if (token is not null && webhook && secret is null)
            throw Bad("Telegram:WebhookSecret", "set in Webhook mode (it is the only proof an update is Telegram's)");
        var perMinute = section["MessagesPerMinute"] is { } text
            ? int.TryParse(text, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw Bad("Telegram:MessagesPerMinute", "a positive integer")
            : 20;
        return new(token, baseUrl, chats, webhook, secret, perMinute);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex SecretShape();

    private static InvalidOperationException Bad(string setting, string expected) =>
        new($"{setting} must be {expected}.");
}

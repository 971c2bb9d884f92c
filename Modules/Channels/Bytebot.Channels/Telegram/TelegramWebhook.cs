using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace Bytebot.Channels.Telegram;

/// <summary>
/// <c>POST /api/channels/telegram</c> in Webhook mode. Telegram signs nothing: the secret given to setWebhook comes
/// back as <c>X-Telegram-Bot-Api-Secret-Token</c> and is the only proof, so it is compared in constant time and
/// anything else is a 403 before the body is read.
/// </summary>
internal static class TelegramWebhook
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public static async Task<IResult> ReceiveAsync(
        HttpContext context, TelegramOptions options, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (!options.Enabled || !options.WebhookMode)
            return Off();
        var given = Encoding.UTF8.GetBytes(context.Request.Headers[SecretHeader].ToString());
        var expected = Encoding.UTF8.GetBytes(options.WebhookSecret!);
        if (!CryptographicOperations.FixedTimeEquals(given, expected))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Wrong secret token",
                detail: $"{SecretHeader} does not match Telegram:WebhookSecret.");
        Update? update;
        try
        {
            update = await JsonSerializer.DeserializeAsync<Update>(
                context.Request.Body, JsonBotAPI.Options, cancellationToken);
        }
        catch (JsonException)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Must be a Telegram Update."] });
        }
        if (update is not null)
            await services.GetRequiredService<TelegramChat>().HandleAsync(update, cancellationToken);
        return Results.Ok();
    }

    private static IResult Off() =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Telegram webhook off",
            detail: "Set Telegram:BotToken and Telegram:Mode=Webhook to receive updates here.");
}

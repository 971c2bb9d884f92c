namespace Bytebot.Channels.Telegram;

/// <summary>A task created from a chat (a Marten document): where its replies go and what /tasks shows.</summary>
internal sealed class TelegramTask
{
    public Guid Id { get; set; }

    public long ChatId { get; set; }

    public string Description { get; set; } = "";

    public string Status { get; set; } = "PENDING";

    public DateTimeOffset CreatedAt { get; set; }
}

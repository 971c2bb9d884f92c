using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bytebot.Platform.Messaging;

public static class MessagingTelemetry
{
    public const string ActivitySourceName = "Bytebot.Messaging";
    public const string MeterName = "Bytebot.Messaging";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Messages = Meter.CreateCounter<long>("bytebot.messaging.messages", "{message}", "Messages dispatched");

    internal static Activity? Start(Type messageType, string operation)
    {
        var activity = Source.StartActivity(messageType.Name, ActivityKind.Internal);
        activity?.SetTag("messaging.message.type", messageType.FullName);
        activity?.SetTag("messaging.operation.name", operation);
        return activity;
    }

    internal static void Count(Type messageType, string operation, Activity? activity, Exception? failure)
    {
        if (failure is not null)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
            activity?.AddException(failure);
        }
        Messages.Add(1,
            new KeyValuePair<string, object?>("messaging.message.type", messageType.Name),
            new KeyValuePair<string, object?>("messaging.operation.name", operation),
            new KeyValuePair<string, object?>("outcome", failure is null ? "success" : "failure"));
    }
}

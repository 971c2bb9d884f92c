using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Platform.Messaging;

/// <summary>In-process dispatch of commands, queries and notifications to handlers registered by modules.</summary>
public interface IMessageBus
{
    /// <summary>Sends <paramref name="message"/> to its one <see cref="IHandler{TMessage,TResponse}"/>.</summary>
    Task<TResponse> InvokeAsync<TResponse>(object message, CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="message"/> to every <see cref="IEventHandler{TMessage}"/> of its type, if any.</summary>
    Task PublishAsync(object message, CancellationToken cancellationToken);
}

public interface IHandler<in TMessage, TResponse>
{
    Task<TResponse> HandleAsync(TMessage message, CancellationToken cancellationToken);
}

[SuppressMessage("Naming", "CA1711", Justification = "The design names it; it handles events, not .NET event delegates.")]
public interface IEventHandler<in TMessage>
{
    Task HandleAsync(TMessage message, CancellationToken cancellationToken);
}

internal sealed class MessageBus(IServiceScopeFactory scopes, IEnumerable<HandlerRoute> routes) : IMessageBus
{
    private readonly ILookup<Type, HandlerRoute> _handlers = routes.Where(r => r.ResponseType is not null).ToLookup(r => r.MessageType);
    private readonly ILookup<Type, HandlerRoute> _eventHandlers = routes.Where(r => r.ResponseType is null).ToLookup(r => r.MessageType);

    public async Task<TResponse> InvokeAsync<TResponse>(object message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message.GetType();
        var route = _handlers[type].ToArray() switch
        {
            [] => throw new InvalidOperationException(
                $"No handler for {type.Name}: register a class implementing IHandler<{type.Name}, {typeof(TResponse).Name}> with services.AddHandler<THandler>()."),
            [var only] => only,
            var several => throw new InvalidOperationException(
                $"{type.Name} has {several.Length} handlers ({string.Join(", ", several.Select(r => r.HandlerType.Name))}); InvokeAsync needs exactly one."),
        };
        if (!typeof(TResponse).IsAssignableFrom(route.ResponseType))
            throw new InvalidOperationException(
                $"{route.HandlerType.Name} answers {type.Name} with {route.ResponseType!.Name}, not {typeof(TResponse).Name}.");

        using var activity = MessagingTelemetry.Start(type, "invoke");
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var response = await route.Invoke(scope.ServiceProvider.GetRequiredService(route.HandlerType), message, cancellationToken);
            MessagingTelemetry.Count(type, "invoke", activity, null);
            return (TResponse)response!;
        }
        catch (Exception exception)
        {
            MessagingTelemetry.Count(type, "invoke", activity, exception);
            throw;
        }
    }

    public async Task PublishAsync(object message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = message.GetType();
        using var activity = MessagingTelemetry.Start(type, "publish");
        await using var scope = scopes.CreateAsyncScope();
        // Every handler gets the event even when an earlier one fails; the failures are reported together.
        var failures = new List<Exception>();
        foreach (var route in _eventHandlers[type])
        {
            try
            {
                await route.Invoke(scope.ServiceProvider.GetRequiredService(route.HandlerType), message, cancellationToken);
            }
            catch (Exception exception)
            {
                failures.Add(exception);
            }
        }
        var failure = failures switch
        {
            [] => null,
            [var only] => only,
            _ => new AggregateException($"{failures.Count} handlers of {type.Name} failed.", failures),
        };
        MessagingTelemetry.Count(type, "publish", activity, failure);
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
    }
}

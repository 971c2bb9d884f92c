using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bytebot.Platform.Messaging;

/// <summary>One message type a handler class handles; <see cref="ResponseType"/> is null for event handlers.</summary>
internal sealed record HandlerRoute(
    Type MessageType, Type? ResponseType, Type HandlerType, Func<object, object, CancellationToken, Task<object?>> Invoke);

public static class HandlerRegistration
{
    /// <summary>
    /// Registers every <see cref="IHandler{TMessage,TResponse}"/> and <see cref="IEventHandler{TMessage}"/>
    /// that <typeparamref name="THandler"/> implements; the class is resolved from a scope per message.
    /// </summary>
    public static IServiceCollection AddHandler<THandler>(this IServiceCollection services)
        where THandler : class
    {
        var routes = typeof(THandler).GetInterfaces().Where(i => i.IsGenericType).Select(RouteFor).OfType<HandlerRoute>().ToArray();
        if (routes.Length == 0)
            throw new ArgumentException($"{typeof(THandler).Name} implements neither IHandler<,> nor IEventHandler<>.", nameof(THandler));
        services.TryAddScoped<THandler>();
        foreach (var route in routes)
            services.AddSingleton(route);
        return services;

        static HandlerRoute? RouteFor(Type contract)
        {
            var arguments = contract.GetGenericArguments();
            var definition = contract.GetGenericTypeDefinition();
            if (definition == typeof(IHandler<,>))
                return new HandlerRoute(arguments[0], arguments[1], typeof(THandler), Bind(nameof(InvokeHandler), arguments));
            if (definition == typeof(IEventHandler<>))
                return new HandlerRoute(arguments[0], null, typeof(THandler), Bind(nameof(InvokeEventHandler), arguments));
            return null;
        }
    }

    private static Func<object, object, CancellationToken, Task<object?>> Bind(string method, Type[] arguments) =>
        typeof(HandlerRegistration).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(arguments)
            .CreateDelegate<Func<object, object, CancellationToken, Task<object?>>>();

    private static async Task<object?> InvokeHandler<TMessage, TResponse>(object handler, object message, CancellationToken cancellationToken) =>
        await ((IHandler<TMessage, TResponse>)handler).HandleAsync((TMessage)message, cancellationToken);

    private static async Task<object?> InvokeEventHandler<TMessage>(object handler, object message, CancellationToken cancellationToken)
    {
        await ((IEventHandler<TMessage>)handler).HandleAsync((TMessage)message, cancellationToken);
        return null;
    }
}

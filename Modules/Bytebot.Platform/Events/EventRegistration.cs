using Microsoft.Extensions.DependencyInjection;

namespace Bytebot.Platform.Events;

public static class EventRegistration
{
    /// <summary>Gives <typeparamref name="TEvent"/> its stable stored name, e.g. <c>tasks.task_created</c>.</summary>
    public static IServiceCollection AddEventType<TEvent>(this IServiceCollection services, string name)
        where TEvent : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddSingleton(new EventTypeMapping(name, typeof(TEvent)));
        return services;
    }

    public static IServiceCollection AddInlineProjection<TProjection>(this IServiceCollection services)
        where TProjection : class, IInlineProjection
    {
        services.AddSingleton<IInlineProjection, TProjection>();
        return services;
    }

    public static IServiceCollection AddEventSubscriber<TSubscriber>(this IServiceCollection services)
        where TSubscriber : class, IEventSubscriber
    {
        services.AddSingleton<IEventSubscriber, TSubscriber>();
        return services;
    }
}

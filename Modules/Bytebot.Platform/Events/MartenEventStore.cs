using System.Text.Json.Serialization;
using Bytebot.Platform.Postgres;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Weasel.Core;
using Wolverine.Marten;

namespace Bytebot.Platform.Events;

/// <summary>
/// Marten is the event store (docs/adr/0016): one stream per aggregate with Guid ids, quick appends (no lock
/// across streams), headers for metadata such as lease epochs. Modules add their event type names and inline
/// projections with <c>services.ConfigureMarten(...)</c>. Wolverine's message storage lives beside it (ADR 0020).
/// </summary>
internal static class MartenEventStore
{
    public static IServiceCollection AddMartenEventStore(this IServiceCollection services)
    {
        var hostedBefore = services.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        // The factory runs when the store is first resolved, which is after DatabaseLifecycle attached the data source.
        services.AddMarten(provider =>
        {
            var options = new StoreOptions();
            options.Connection(provider.GetRequiredService<BytebotDatabase>().DataSource);
            // MigrationRunner creates the schema once per start, under the migration lock; sessions never check it.
            options.AutoCreateSchemaObjects = AutoCreate.None;
            options.Events.StreamIdentity = StreamIdentity.AsGuid;
            options.Events.AppendMode = EventAppendMode.Quick;
            options.Events.MetadataConfig.HeadersEnabled = true;
            // The JSON shape the old store wrote (web defaults), so the events it stored read back unchanged.
            options.UseSystemTextJsonForSerialization(EnumStorage.AsInteger, Casing.CamelCase, json =>
            {
                json.PropertyNameCaseInsensitive = true;
                json.NumberHandling = JsonNumberHandling.AllowReadingFromString;
                // jsonb stores object keys sorted by length, so a polymorphic "type" discriminator is rarely first.
                json.AllowOutOfOrderMetadataProperties = true;
            });
            return options;
        }).UseLightweightSessions()
            // Wolverine keeps its envelopes (the outbox, durable local queues, scheduled messages) in this database,
            // written in the same transaction as the events a session appends (IMartenOutbox.Enroll).
            // Its tables are created or updated when Wolverine starts, which is after the database is up and migrated.
            .IntegrateWithWolverine(wolverine => wolverine.AutoCreate = AutoCreate.CreateOrUpdate)
            // Solo tells the store its async projections do run (else it warns on every start that they will not);
            // they run in ProjectionDaemon, so the hosted service this registers goes again below.
            .AddAsyncDaemon(DaemonMode.Solo);
        // Marten's own hosted services (its IAsyncConfigureMarten runner and the daemon's coordinator) take the store in
        // their constructors; hosted services are constructed before the database is up, so they would fail every start.
        var marten = typeof(StoreOptions).Assembly;
        foreach (var added in services.Where(d => d.ServiceType == typeof(IHostedService)).Except(hostedBefore)
                     .Where(d => (d.ImplementationType ?? d.ImplementationFactory?.Method.DeclaringType)?.Assembly == marten).ToList())
            services.Remove(added);
        services.AddHostedService<ProjectionDaemon>();
        return services;
    }

    // Marten's overload here takes no token; schema changes are quick and run once per start.
    public static Task ApplySchemaAsync(IDocumentStore store) =>
        store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
}

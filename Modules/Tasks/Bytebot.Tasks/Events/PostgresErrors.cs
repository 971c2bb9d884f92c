using Npgsql;

namespace Bytebot.Tasks.Events;

/// <summary>The module's own refusals (<c>BB001</c>…), raised inside a transaction and wrapped by Marten on the way out.</summary>
internal static class PostgresErrors
{
    /// <summary>The PostgreSQL error with <paramref name="sqlState"/> in <paramref name="exception"/>'s chain, or null.</summary>
    public static PostgresException? Find(Exception exception, string sqlState)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException refusal && refusal.SqlState == sqlState)
                return refusal;
        }
        return null;
    }
}

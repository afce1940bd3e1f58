using System.Collections.Concurrent;
using System.Reflection;

namespace Actors.EventSourcing;

/// <summary>Stable names of event types: the <c>[Alias]</c> they are serialized under, which never changes.</summary>
public static class EventTypes
{
    private static readonly ConcurrentDictionary<Type, string> Names = new();

    /// <summary>The alias of <paramref name="type"/>, or its full name when it has none.</summary>
    public static string NameOf(Type type) =>
        Names.GetOrAdd(type, t => t.GetCustomAttribute<AliasAttribute>()?.Alias ?? t.FullName ?? t.Name);
}

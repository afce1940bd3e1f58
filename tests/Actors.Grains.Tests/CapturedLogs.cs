using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Actors.Tests;

/// <summary>A logger provider that keeps every message with the scopes that were open when it was logged.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private const int MaxEntries = 10_000;

    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new Dictionary<string, object?>();
            owner._scopes.ForEachScope(
                (scope, values) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            values[key] = value;
                        }
                    }
                },
                scopes);
            owner.Entries.Enqueue(new CapturedLog(category, formatter(state, exception), scopes));
            while (owner.Entries.Count > MaxEntries && owner.Entries.TryDequeue(out _))
            {
                // The fixture lives for the whole run: keep the recent past only.
            }
        }
    }
}

public sealed record CapturedLog(string Category, string Message, IReadOnlyDictionary<string, object?> Scopes);

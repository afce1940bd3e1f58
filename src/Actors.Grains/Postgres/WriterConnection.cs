using Npgsql;

namespace Actors.Postgres;

/// <summary>A writer loop's own connection: opened when first needed, replaced after a failure that may have broken it.</summary>
internal sealed class WriterConnection(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    public async Task<NpgsqlCommand> CreateCommandAsync(string sql, CancellationToken cancellationToken)
    {
        if (_connection is { State: not System.Data.ConnectionState.Open })
        {
            await DropAsync().ConfigureAwait(false);
        }

        _connection ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new NpgsqlCommand(sql, _connection);
    }

    public async Task DropAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await DropAsync().ConfigureAwait(false);
}

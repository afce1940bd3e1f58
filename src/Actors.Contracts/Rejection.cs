namespace Actors;

/// <summary>
/// A business rule refused a command. <see cref="Code"/> is stable and machine-readable (it decides the HTTP status
/// of REST routes); <see cref="Message"/> is the sentence shown to people (the Lamernews error text on /api routes).
/// </summary>
[GenerateSerializer, Immutable, Alias("actors.rejection")]
public sealed record Rejection([property: Id(0)] string Code, [property: Id(1)] string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}

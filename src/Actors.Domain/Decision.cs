namespace Actors;

/// <summary>
/// What a decider answers to a command: the events that happen (none when the command is already satisfied),
/// or a rejection when a business rule says no.
/// </summary>
public readonly record struct Decision<TEvent>
{
    private Decision(IReadOnlyList<TEvent> events, Rejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    public IReadOnlyList<TEvent> Events { get; }

    public Rejection? Rejection { get; }

    public bool IsRejected => Rejection is not null;

    /// <summary>The command is accepted and these events happen.</summary>
    public static Decision<TEvent> Accept(params TEvent[] events) => new(events, null);

    /// <summary>The command is accepted and these events happen.</summary>
    public static Decision<TEvent> Accept(IReadOnlyList<TEvent> events) => new(events, null);

    /// <summary>The command asks for what is already true: nothing happens, and that is not an error.</summary>
    public static Decision<TEvent> AlreadyDone => new([], null);

    /// <summary>A business rule refused the command.</summary>
    public static Decision<TEvent> Reject(string code, string message) => new([], new Rejection(code, message));

    public static implicit operator Decision<TEvent>(Rejection rejection) => new([], rejection);

    public static implicit operator Decision<TEvent>(TEvent @event) => new([@event], null);
}

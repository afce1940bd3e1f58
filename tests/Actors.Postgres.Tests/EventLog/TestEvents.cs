namespace Actors.Tests.EventLog;

/// <summary>Events of a test-only aggregate ("tests-..." streams); stored like any domain event.</summary>
public interface ITestEvent;

[GenerateSerializer, Immutable, Alias("tests.counted")]
public sealed record Counted([property: Id(0)] int Amount, [property: Id(1)] string By) : ITestEvent;

[GenerateSerializer, Immutable, Alias("tests.noted")]
public sealed record Noted([property: Id(0)] string Text) : ITestEvent;

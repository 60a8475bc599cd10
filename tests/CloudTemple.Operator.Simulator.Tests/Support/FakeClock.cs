namespace CloudTemple.Operator.Simulator.Tests.Support;

/// <summary>A clock that moves only when told.</summary>
internal sealed class FakeClock : TimeProvider
{
    private DateTimeOffset _now = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

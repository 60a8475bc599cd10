namespace CloudTemple.Operator.Controllers.Lifecycle;

/// <summary>The time an intent to create is saved, to the second (as Kubernetes keeps it).</summary>
internal static class CreateIntent
{
    public static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }
}

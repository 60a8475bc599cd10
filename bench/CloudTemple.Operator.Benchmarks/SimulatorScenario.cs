namespace CloudTemple.Operator.Benchmarks;

/// <summary>The simulated platform's throughput and memory (issue 4); filled in with the simulator's HTTP service.</summary>
internal static class SimulatorScenario
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine($"the simulator scenario is not written yet ({args.Length} arguments ignored)");
        return Task.FromResult(2);
    }
}

using CloudTemple.Operator.Simulator.Service;

return await SimulatorCommand.Create().Parse(args).InvokeAsync().ConfigureAwait(false);

using Bytebot.Cli;

return await CliApp.RunAsync(args);

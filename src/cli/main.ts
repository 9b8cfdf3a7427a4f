import { Command, Option } from 'commander';
import { packageVersion } from '../common/package-info.js';
import { serve } from './serve.js';
import { printDefaultConfig, checkConfigFile } from './config-commands.js';

const program = new Command('husk')
  .description('husk: a Kubernetes CRI v1 container runtime')
  .version(packageVersion, '-v, --version');

program
  .command('serve')
  .description('run the CRI daemon')
  .option('-c, --config <file>', 'configuration file (default: $HUSK_CONFIG or /etc/husk/husk.toml)')
  .addOption(new Option('--log-level <level>', 'override log_level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']))
  .action(serve);

const config = program.command('config').description('inspect configuration');
config.command('default').description('print the full default configuration with comments').action(printDefaultConfig);
config.command('check').argument('<file>', 'file to validate ("-" for stdin)').description('validate a configuration file').action(checkConfigFile);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`husk: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

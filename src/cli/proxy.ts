/**
 * The nacos-proxy command: parse flags, merge them with NACOS_PROXY_* variables and the
 * --config file, start the proxy (and the admin endpoint), and run until a signal.
 *
 * Signals: SIGTERM/SIGINT drain (stop accepting, wait up to --drain-timeout, reset the rest,
 * exit 0); a second one resets everything and exits 1 at once; SIGHUP re-reads --config.
 */
import yargs, { type Argv } from 'yargs';
import { formatHostPort } from '../address.js';
import { formatDuration } from '../duration.js';
import { NacosToolError, describeError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { AdminServer } from '../proxy/admin-server.js';
import { readConfigFile } from '../proxy/config-file.js';
import { CONFIG_ENV, PROXY_OPTION_SPECS, resolveProxyOptions, type OverriddenFileValue, type ResolvedOptions } from '../proxy/options.js';
import { NacosProxy } from '../proxy/proxy.js';
import { helpWidth, parseArgs, withStandardFlags } from './parse.js';
import { renderProxyHelp } from './proxy-help.js';
import { printError, type CliIo } from './io.js';

/** The flag parser; --help is rendered from the option table (proxy-help.ts), not by yargs. */
export function createProxyCli(): Argv<Record<string, unknown>> {
  let parser = yargs().scriptName('nacos-proxy');
  for (const name of [...Object.keys(PROXY_OPTION_SPECS), 'config']) {
    parser = parser.option(name, { type: 'string', requiresArg: true });
  }
  return withStandardFlags(parser).help(false).option('help', { alias: 'h', type: 'boolean' });
}

type FlagValues = Record<string, string | string[] | undefined>;

async function resolveAll(flags: FlagValues, env: NodeJS.ProcessEnv): Promise<ResolvedOptions & { configPath: string | undefined }> {
  const configPath = (flags.config as string | undefined) ?? env[CONFIG_ENV];
  const file = configPath === undefined || configPath === '' ? undefined : await readConfigFile(configPath);
  return { ...resolveProxyOptions({ flags, env, ...(file ? { file } : {}) }), configPath: file?.path };
}

/** File values a reload would change if a flag or variable did not override them. */
function changedButOverridden(before: readonly OverriddenFileValue[], after: readonly OverriddenFileValue[]): OverriddenFileValue[] {
  return after.filter((entry) => {
    const previous = before.find((candidate) => candidate.option === entry.option);
    return previous === undefined || JSON.stringify(previous.fileValue) !== JSON.stringify(entry.fileValue);
  });
}

interface SignalTarget {
  stop(signal: NodeJS.Signals): void;
  reload(): void;
}

/**
 * Installs the handlers before any startup work, so a signal during startup is never fatal
 * (SIGHUP's default action kills): signals that arrive before the proxy runs are remembered
 * and acted on, in order, once it does.
 */
function watchSignals(io: CliIo): { attach(target: SignalTarget): void } {
  let target: SignalTarget | undefined;
  const early: ({ kind: 'stop'; signal: NodeJS.Signals } | { kind: 'reload' })[] = [];
  const stop = (signal: NodeJS.Signals): void => {
    if (target) target.stop(signal);
    else early.push({ kind: 'stop', signal });
  };
  io.onSignal('SIGTERM', stop);
  io.onSignal('SIGINT', stop);
  io.onSignal('SIGHUP', () => {
    if (target) target.reload();
    else early.push({ kind: 'reload' });
  });
  return {
    attach(next) {
      target = next;
      for (const event of early.splice(0)) {
        if (event.kind === 'stop') next.stop(event.signal);
        else next.reload();
      }
    },
  };
}

/** Runs the started proxy until a stop signal; resolves with the exit code once it has stopped. */
function runUntilStopped(proxy: NacosProxy, admin: AdminServer | undefined, log: Logger, reload: () => Promise<void>): { target: SignalTarget; stopped: Promise<number> } {
  let resolve!: (code: number) => void;
  const stopped = new Promise<number>((done) => (resolve = done));
  let stopping = false;
  let forced = false;
  const finish = async (code: number, level: 'info' | 'warn', fields: object, message: string): Promise<void> => {
    await admin?.close();
    // Every connection line is written by now (drain and close wait for each close report).
    log[level](fields, message);
    resolve(code);
  };
  const target: SignalTarget = {
    stop: (signal) => {
      if (stopping) {
        if (forced) return;
        forced = true;
        log.warn({ signal }, 'second signal: resetting every open connection and exiting now');
        void proxy.close().then(({ reset }) => finish(1, 'warn', { reset }, 'stopped at once; open connections were reset'));
        return;
      }
      stopping = true;
      log.info({ signal, drainTimeout: formatDuration(proxy.options.drainTimeout), open: proxy.activeConnections }, 'stopping: no new connections');
      void proxy.drain().then(({ reset }) => {
        // A second signal took over; its own line ends the log.
        if (forced) return undefined;
        return finish(0, 'info', { reset }, reset > 0 ? 'stopped; connections still open at the drain timeout were reset' : 'stopped; every connection finished');
      });
    },
    reload: () => {
      if (!stopping) void reload();
    },
  };
  return { target, stopped };
}

export async function runProxyCli(argv: readonly string[], io: CliIo): Promise<number> {
  let log: Logger | undefined;
  const signals = watchSignals(io);
  try {
    const parsed = await parseArgs(createProxyCli(), argv);
    if (parsed.kind === 'output') {
      io.stdout.write(`${parsed.text}\n`);
      return 0;
    }
    if (parsed.args.help === true) {
      io.stdout.write(`${renderProxyHelp(helpWidth())}\n`);
      return 0;
    }
    const flags = parsed.args as FlagValues;
    const initial = await resolveAll(flags, io.env);
    const { options, warnings, configPath } = initial;
    log = createLogger({ level: options.logLevel, name: 'nacos-proxy' });
    for (const warning of warnings) log.warn(warning);
    const proxy = new NacosProxy(options, { logger: log });
    // Every port is bound before anything else happens, so a port in use fails at once, alone.
    await proxy.listen();
    const admin = options.admin === undefined ? undefined : await AdminServer.open(proxy, options.admin).catch(async (error: unknown) => {
      await proxy.close();
      throw error;
    });
    await proxy.start();
    if (admin) log.info({ admin: formatHostPort(admin.address().address, admin.address().port) }, 'admin endpoint: /healthz /status /metrics');
    const activeLog = log;
    let applied = initial.overridden;
    const reload = async (): Promise<void> => {
      if (configPath === undefined) {
        activeLog.warn('SIGHUP: no --config file to reload; nothing changed');
        return;
      }
      try {
        const next = await resolveAll(flags, io.env);
        for (const change of changedButOverridden(applied, next.overridden)) {
          activeLog.warn({ config: configPath, option: change.option, winner: change.by }, `SIGHUP: ${change.option} changed in the config file, but ${change.by} wins over the file; kept its value`);
        }
        const result = await proxy.reload(next.options);
        applied = next.overridden;
        if (result.ignored.length > 0) activeLog.warn({ options: result.ignored }, 'SIGHUP: these options need a restart to change; kept the running values');
        activeLog.info({ config: configPath, added: result.added, removed: result.removed }, 'configuration reloaded');
      } catch (error) {
        activeLog.error({ config: configPath, error: describeError(error) }, 'SIGHUP: reload failed; the running configuration is unchanged');
      }
    };
    const { target, stopped } = runUntilStopped(proxy, admin, log, reload);
    signals.attach(target);
    return await stopped;
  } catch (error) {
    // Usage errors get exactly one line (below); runtime failures are also logged for collectors.
    if (log && !(error instanceof NacosToolError && error.exitCode === 2)) log.fatal({ error: describeError(error) }, 'nacos-proxy stopped');
    return printError('nacos-proxy', error, io);
  }
}

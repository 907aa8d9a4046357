/**
 * `pptpkit serve`'s configuration: pptpd.conf and the ppp options files it leads to.
 *
 * @module
 */
import { type ConfigLocation, configError } from '../../config/config-error.js';
import type { ConfigWarning, IgnoredOption } from '../../config/load-peer.js';
import { OptionFiles } from '../../config/option-files.js';
import { cannotRead, isReadFailure, type ReadConfigFile } from '../../config/read-failure.js';
import type { Word } from '../../config/tokenize.js';
import { addressCount, parseAddressList } from './address-range.js';
import { parsePptpdConf } from './pptpd-conf.js';
import type { ServerAuthMethod, ServerConfig } from './server-config.js';
import {
  defaultServerSettings,
  MPPE_40,
  MPPE_56,
  MPPE_128,
  type ServerSettings,
  serverOption,
} from './server-option-table.js';

/** Where to find files and how strict to be. */
export interface LoadServerConfigOptions {
  /** pptpd.conf (pptpd: `/etc/pptpd.conf`). */
  readonly configFile: string;
  /** Reads a file, or says why it cannot. */
  readonly read: ReadConfigFile;
  /** Global ppp options read first if present (pppd: `/etc/ppp/options`); `false` to skip. */
  readonly globalOptions?: string | false;
  /** Unknown and refused options become warnings instead of errors. */
  readonly lenient?: boolean;
  /** The host name, pppd's default `name` (pass `os.hostname()`); without it, `pptpd`. */
  readonly hostname?: string;
}

/** pptpd's lists when pptpd.conf has no `localip`/`remoteip` (defaults.h). */
const DEFAULT_LOCAL = '192.168.0.1-100';
const DEFAULT_REMOTE = '192.168.1.1-100';

/** pptpkit's order of preference; pppd requires the same set (see ServerConfig.requireAuth). */
const METHOD_ORDER: readonly ServerAuthMethod[] = ['mschap-v2', 'mschap', 'eap', 'chap', 'pap'];

/**
 * Applies the words of one options file, following `file` includes, as pppd does.
 *
 * @returns the function to hand to {@link OptionFiles.include}.
 */
function optionApplier(
  settings: ServerSettings,
  files: OptionFiles,
  lenient: boolean,
  ignored: IgnoredOption[],
  warnings: ConfigWarning[],
): (words: readonly Word[]) => void {
  const apply = (words: readonly Word[]): void => {
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const at: ConfigLocation = { file: word.file, line: word.line };
      const name = word.text;
      if (name === 'file') {
        const arg = words[++i];
        if (arg === undefined) {
          throw configError('CONFIG_MISSING_ARGUMENT', at, name, 'needs a file name');
        }
        files.include(arg.text, at, name, false, apply);
        continue;
      }
      const spec = serverOption(name);
      if (spec === undefined) {
        if (!lenient) {
          throw configError('CONFIG_UNKNOWN_OPTION', at, name, 'unknown or unsupported option');
        }
        warnings.push({ ...at, message: `unknown or unsupported option '${name}'` });
        continue;
      }
      const arg = spec.args === 1 ? words[++i] : undefined;
      if (spec.args === 1 && arg === undefined) {
        throw configError('CONFIG_MISSING_ARGUMENT', at, name, 'needs a value');
      }
      if (spec.kind === 'ignored') {
        ignored.push({ ...at, option: name, why: spec.why });
        continue;
      }
      if (spec.kind === 'refused') {
        const error = configError(
          'CONFIG_UNSUPPORTED_OPTION',
          at,
          name,
          `not supported: ${spec.why}`,
        );
        if (!lenient) throw error;
        warnings.push({ ...at, message: error.message });
        continue;
      }
      spec.apply(settings, arg?.text ?? '', at);
    }
  };
  return apply;
}

/**
 * The methods to require, after pppd's rules: none without `auth`/`require-*` (pptpd runs pppd
 * as root, so pppd's default-route rule never forces authentication); all four for `auth`
 * alone; else those named. With MPPE required, a method that yields no MPPE keys (CHAP, PAP;
 * MS-CHAP unless 128-bit keys are allowed; EAP keeps only EAP-MS-CHAP-V2) would see pppd close the link right after it, so
 * it is dropped with a warning; none left is an error.
 */
function requiredMethods(
  s: ServerSettings,
  where: ConfigLocation,
  warnings: ConfigWarning[],
): ServerAuthMethod[] {
  const methods = !s.authRequired
    ? []
    : s.requested.size === 0
      ? [...METHOD_ORDER]
      : METHOD_ORDER.filter((m) => s.requested.has(m));
  if (s.mppeBits === 0) return methods;
  const mppeAt = s.mppeAt ?? where;
  const keyed = methods.filter(
    (m) => m === 'mschap-v2' || m === 'eap' || (m === 'mschap' && (s.mppeBits & MPPE_128) !== 0),
  );
  if (keyed.length === 0) {
    const which =
      methods.length === 0
        ? 'no authentication is required'
        : `only ${methods.join(', ')} is required`;
    throw configError(
      'CONFIG_BAD_VALUE',
      mppeAt,
      'require-mppe',
      `MPPE takes its keys from MS-CHAPv2 (or MS-CHAP with 128-bit keys), but ${which}: pppd would close every link`,
    );
  }
  for (const m of methods) {
    const at = s.requested.get(m);
    if (keyed.includes(m) || at === undefined) continue;
    warnings.push({
      ...at,
      message: `require-${m}: gives no MPPE keys${m === 'mschap' ? ' of the allowed length' : ''}, which the options require; not offered (pppd would close the link after it)`,
    });
  }
  return keyed;
}

/**
 * Reads pptpkit serve's configuration as pptpd and the pppd it starts would: pptpd.conf, then
 * the global ppp options (optional), then the file pptpd.conf's `option` names, applying every
 * option in order with `file` includes (bounded by the client's `INCLUDE_LIMITS`).
 *
 * @throws PptpkitError `CONFIG_UNREADABLE` for a missing pptpd.conf or options file, or a
 *   `CONFIG_*` code naming file, line and option.
 */
export function loadServerConfig(options: LoadServerConfigOptions): ServerConfig {
  const { configFile, read } = options;
  const lenient = options.lenient ?? false;
  const text = read(configFile);
  if (isReadFailure(text)) {
    throw configError(
      'CONFIG_UNREADABLE',
      { file: configFile, line: 0 },
      'pptpd.conf',
      cannotRead(configFile, text),
      { path: configFile, ...(text.errno === undefined ? {} : { errno: text.errno }) },
    );
  }
  const conf = parsePptpdConf(text, configFile, lenient);
  const warnings: ConfigWarning[] = [...conf.warnings];
  const ignored: IgnoredOption[] = [...conf.ignored];
  const settings = defaultServerSettings();
  const optionFiles = new OptionFiles(read, warnings);
  const apply = optionApplier(settings, optionFiles, lenient, ignored, warnings);
  const top: ConfigLocation = { file: configFile, line: 0 };

  const globalOptions = options.globalOptions ?? '/etc/ppp/options';
  if (globalOptions !== false) optionFiles.include(globalOptions, top, 'options', true, apply);
  if (conf.option !== undefined) {
    optionFiles.include(conf.option.file, conf.option.at, 'option', false, apply);
  }
  const where: ConfigLocation = conf.option?.at ?? top;

  if (settings.mppeBits !== 0 && settings.ccpOffAt !== undefined) {
    throw configError(
      'CONFIG_BAD_VALUE',
      settings.ccpOffAt,
      'noccp',
      'without CCP there is no MPPE, which the options require (add nomppe to run unencrypted)',
    );
  }
  const requireAuth = requiredMethods(settings, where, warnings);
  if (requireAuth.length === 0) {
    warnings.push({
      ...where,
      message: 'no authentication required (no auth or require-* option): any peer may connect',
    });
  }

  const localIp = conf.localIp ?? parseAddressList(DEFAULT_LOCAL, top, 'localip');
  const remoteIp = conf.remoteIp ?? parseAddressList(DEFAULT_REMOTE, top, 'remoteip');
  if (conf.localIp === undefined) {
    warnings.push({ ...top, message: `no localip: pptpd's default ${DEFAULT_LOCAL} is used` });
  }
  if (conf.remoteIp === undefined) {
    warnings.push({ ...top, message: `no remoteip: pptpd's default ${DEFAULT_REMOTE} is used` });
  }
  // pptpd numbers its slots 0..connections-1 and gives slot i the ith remote address and the
  // ith local one, or the only local one; fewer addresses than connections cut connections.
  const locals = addressCount(localIp);
  const remotes = addressCount(remoteIp);
  const pairLocal = locals > 1;
  const maxSessions = Math.min(conf.connections, remotes, pairLocal ? locals : remotes);
  if (maxSessions < conf.connections) {
    const short = pairLocal && locals < remotes ? `${locals} local` : `${remotes} remote`;
    warnings.push({
      ...top,
      message: `connections ${conf.connections} cut to ${maxSessions}: only ${short} addresses`,
    });
  }

  const hostname =
    options.hostname === undefined
      ? undefined
      : settings.domain === undefined
        ? options.hostname
        : `${options.hostname}.${settings.domain}`;
  const name =
    settings.name === undefined || settings.useHostname
      ? (hostname ?? settings.name ?? 'pptpd')
      : settings.name;

  return {
    configFile,
    ...(conf.option === undefined ? {} : { optionFile: conf.option.file }),
    files: [configFile, ...optionFiles.files],
    listen: conf.listen,
    maxSessions,
    localIp,
    remoteIp,
    pairLocal,
    startTimeout: conf.startTimeout,
    ipparamIsClient: !conf.noIpparam,
    name,
    requireAuth,
    mppe: {
      required: settings.mppeBits !== 0,
      allow128: (settings.mppeBits & MPPE_128) !== 0,
      allow56: (settings.mppeBits & MPPE_56) !== 0,
      allow40: (settings.mppeBits & MPPE_40) !== 0,
      allowStateful: settings.allowStateful,
      mppc: settings.mppc,
    },
    dns: settings.dns,
    wins: settings.wins,
    proxyArp: settings.proxyArp,
    echoInterval: settings.echoInterval,
    echoFailure: settings.echoFailure,
    ...(settings.mtu === undefined ? {} : { mtu: settings.mtu }),
    ...(settings.mru === undefined ? {} : { mru: settings.mru }),
    debug: settings.debug || conf.debug,
    ...(settings.logFile === undefined ? {} : { logFile: settings.logFile }),
    ...(settings.idle === undefined ? {} : { idle: settings.idle }),
    ...(settings.maxConnect === undefined ? {} : { maxConnect: settings.maxConnect }),
    ...(settings.ipparam === undefined ? {} : { ipparam: settings.ipparam }),
    ignored,
    warnings,
  };
}

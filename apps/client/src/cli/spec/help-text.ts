/**
 * The help `pptpkit help` and `pptpkit COMMAND --help` print, made from the command table.
 *
 * @module
 */
import { COMMAND_SPECS, type CommandSpec, type OptionSpec } from './command-spec.js';
import { EXIT_STATUSES } from './reference.js';

/** Width the help is wrapped to. */
const WIDTH = 80;

/** `text` broken into lines of at most `WIDTH` columns, each after `indent` spaces. */
function wrap(text: string, indent: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(' '.repeat(indent) + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(' '.repeat(indent) + line);
  return lines;
}

/** Rows of a two-column list: `label` padded to a column, then `text` wrapped beside it. */
function table(rows: readonly (readonly [string, string])[], indent: number): string[] {
  const column = Math.min(26, Math.max(...rows.map(([label]) => label.length)) + 2);
  const lines: string[] = [];
  for (const [label, text] of rows) {
    const [first = '', ...rest] = wrap(text, indent + column);
    const head = ' '.repeat(indent) + label;
    if (head.length + 2 <= indent + column) {
      lines.push(head.padEnd(indent + column) + first.trimStart(), ...rest);
    } else lines.push(head, first, ...rest);
  }
  return lines;
}

/** How an option is written in the help: `-a, --all`, `--lines N`. */
function optionLabel(option: OptionSpec): string {
  const name = option.short === undefined ? option.name : `${option.short}, ${option.name}`;
  return option.value === undefined ? name : `${name} ${option.value}`;
}

/** An option's help sentence with its default. */
export function optionHelp(option: OptionSpec): string {
  return option.default === undefined ? option.help : `${option.help} (default ${option.default})`;
}

/** The exit statuses, one a line. */
function exitStatusLines(): string[] {
  return [
    'exit status (numbered as by pppd):',
    ...table(
      EXIT_STATUSES.map((s) => [String(s.code), s.meaning]),
      2,
    ),
  ];
}

/** `pptpkit help`: every command with its synopsis and summary, and the exit statuses. */
export function generalHelp(): string {
  const lines = ['usage: pptpkit COMMAND [ARGS]', '', 'commands:'];
  for (const c of COMMAND_SPECS) {
    const aliases = c.aliases.length === 0 ? '' : `  (also: ${c.aliases.join(', ')})`;
    c.synopsis.forEach((form, i) => {
      lines.push(`  ${form}${i === 0 ? aliases : ''}`);
    });
    lines.push(...wrap(c.summary, 6));
  }
  lines.push(
    '',
    ...wrap(
      "'pptpkit help COMMAND' or 'pptpkit COMMAND --help' describes a command and its options.",
      0,
    ),
    '',
    ...exitStatusLines(),
  );
  return lines.join('\n');
}

/** `pptpkit help COMMAND`: its synopsis, description, options and the exit statuses. */
export function commandHelp(spec: CommandSpec): string {
  const [first, ...others] = spec.synopsis;
  const lines = [`usage: pptpkit ${first}`, ...others.map((s) => `       pptpkit ${s}`)];
  if (spec.aliases.length > 0) {
    lines.push(`also: ${spec.aliases.map((a) => `pptpkit ${a}`).join(', ')}`);
  }
  lines.push('', ...wrap(spec.description, 0), '');
  if (spec.arguments.length > 0) {
    lines.push(
      'arguments:',
      ...table(
        spec.arguments.map((a) => {
          const name = a.repeats ? `${a.name}...` : a.name;
          return [a.optional ? `[${name}]` : name, a.help];
        }),
        2,
      ),
      '',
    );
  }
  lines.push(
    'options:',
    ...table(
      [
        ...spec.options.map((o): [string, string] => [optionLabel(o), optionHelp(o)]),
        ['-h, --help', 'this help'],
      ],
      2,
    ),
    '',
    ...exitStatusLines(),
  );
  return lines.join('\n');
}

/** What follows a usage error on stderr: the synopsis of the command, and where to read more. */
export function usageHint(spec: CommandSpec | undefined): string {
  if (spec === undefined || spec.name === 'help') {
    return "usage: pptpkit COMMAND [ARGS]\n'pptpkit help' lists the commands.";
  }
  const [first, ...others] = spec.synopsis;
  return [
    `usage: pptpkit ${first}`,
    ...others.map((s) => `       pptpkit ${s}`),
    `'pptpkit help ${spec.name}' describes every option.`,
  ].join('\n');
}

/**
 * The RFC 1661 §4.1 state-transition table, transcribed in the RFC's own `action,.../state`
 * notation so it can be checked against the RFC text cell by cell.
 *
 * @module
 */

/** The ten automaton states, numbered as in RFC 1661 §4.1. */
export const FSM_STATES = [
  'Initial',
  'Starting',
  'Closed',
  'Stopped',
  'Closing',
  'Stopping',
  'Req-Sent',
  'Ack-Rcvd',
  'Ack-Sent',
  'Opened',
] as const;

/** An automaton state name (RFC 1661 §4.2). */
export type FsmState = (typeof FSM_STATES)[number];

/** The automaton events (RFC 1661 §4.3). */
export const FSM_EVENTS = [
  'Up',
  'Down',
  'Open',
  'Close',
  'TO+',
  'TO-',
  'RCR+',
  'RCR-',
  'RCA',
  'RCN',
  'RTR',
  'RTA',
  'RUC',
  'RXJ+',
  'RXJ-',
  'RXR',
] as const;

/** An automaton event name (RFC 1661 §4.3). */
export type FsmEvent = (typeof FSM_EVENTS)[number];

/** An automaton action name (RFC 1661 §4.4). */
export type FsmAction =
  | 'tlu'
  | 'tld'
  | 'tls'
  | 'tlf'
  | 'irc'
  | 'zrc'
  | 'scr'
  | 'sca'
  | 'scn'
  | 'str'
  | 'sta'
  | 'scj'
  | 'ser';

/** One cell of the table: the actions in order and the next state, or `undefined` when illegal. */
export interface FsmTransition {
  /** Actions to perform, in the order written in the RFC. */
  readonly actions: readonly FsmAction[];
  /** Index of the next state in {@link FSM_STATES}. */
  readonly next: number;
}

/** Cells per event, states 0–9 in order; `-` is an illegal event in that state. */
const CELLS: Readonly<Record<FsmEvent, readonly string[]>> = {
  Up: ['2', 'irc,scr/6', '-', '-', '-', '-', '-', '-', '-', '-'],
  Down: ['-', '-', '0', 'tls/1', '0', '1', '1', '1', '1', 'tld/1'],
  Open: ['tls/1', '1', 'irc,scr/6', '3r', '5r', '5r', '6', '7', '8', '9r'],
  Close: ['0', 'tlf/0', '2', '2', '4', '4', 'irc,str/4', 'irc,str/4', 'irc,str/4', 'tld,irc,str/4'],
  'TO+': ['-', '-', '-', '-', 'str/4', 'str/5', 'scr/6', 'scr/6', 'scr/8', '-'],
  'TO-': ['-', '-', '-', '-', 'tlf/2', 'tlf/3', 'tlf/3p', 'tlf/3p', 'tlf/3p', '-'],
  'RCR+': [
    '-',
    '-',
    'sta/2',
    'irc,scr,sca/8',
    '4',
    '5',
    'sca/8',
    'sca,tlu/9',
    'sca/8',
    'tld,scr,sca/8',
  ],
  'RCR-': [
    '-',
    '-',
    'sta/2',
    'irc,scr,scn/6',
    '4',
    '5',
    'scn/6',
    'scn/7',
    'scn/6',
    'tld,scr,scn/6',
  ],
  RCA: ['-', '-', 'sta/2', 'sta/3', '4', '5', 'irc/7', 'scr/6x', 'irc,tlu/9', 'tld,scr/6x'],
  RCN: ['-', '-', 'sta/2', 'sta/3', '4', '5', 'irc,scr/6', 'scr/6x', 'irc,scr/8', 'tld,scr/6x'],
  RTR: ['-', '-', 'sta/2', 'sta/3', 'sta/4', 'sta/5', 'sta/6', 'sta/6', 'sta/6', 'tld,zrc,sta/5'],
  RTA: ['-', '-', '2', '3', 'tlf/2', 'tlf/3', '6', '6', '8', 'tld,scr/6'],
  RUC: ['-', '-', 'scj/2', 'scj/3', 'scj/4', 'scj/5', 'scj/6', 'scj/7', 'scj/8', 'scj/9'],
  'RXJ+': ['-', '-', '2', '3', '4', '5', '6', '6', '8', '9'],
  'RXJ-': [
    '-',
    '-',
    'tlf/2',
    'tlf/3',
    'tlf/2',
    'tlf/3',
    'tlf/3',
    'tlf/3',
    'tlf/3',
    'tld,irc,str/5',
  ],
  RXR: ['-', '-', '2', '3', '4', '5', '6', '7', '8', 'ser/9'],
};

/** Parses one cell in RFC notation (`irc,scr/6`, `3r`, `-`); footnote letters are dropped. */
export function parseFsmCell(cell: string): FsmTransition | undefined {
  if (cell === '-') return undefined;
  const slash = cell.lastIndexOf('/');
  const actions = slash < 0 ? [] : (cell.slice(0, slash).split(',') as FsmAction[]);
  const next = Number.parseInt(cell.slice(slash + 1), 10);
  return { actions, next };
}

/** The parsed table: `TRANSITIONS[event][state]`. */
export const FSM_TRANSITIONS: Readonly<Record<FsmEvent, readonly (FsmTransition | undefined)[]>> =
  Object.fromEntries(FSM_EVENTS.map((e) => [e, CELLS[e].map(parseFsmCell)])) as Record<
    FsmEvent,
    (FsmTransition | undefined)[]
  >;

/**
 * Turns states and history items into the table's items and back, measures items as DynamoDB does, and checks
 * what goes in and what comes out. Both stores use it, so they accept, refuse and return exactly the same.
 */
import { Buffer } from 'node:buffer';
import {
  canaryIdProblems,
  canaryKey,
  isPhase,
  CONTROL_ACTIONS,
  type CanaryId,
  type CanaryState,
  type HistoryItem,
  type JsonObject,
} from '../api/state.ts';
import { CorruptItemError, InvalidStoreInputError, ItemTooLargeError } from './errors.ts';
import { canaryPk, clusterGsiPk, clusterGsiSk, historySk, Keys, STATE_SK } from './table.ts';
import { MAX_ITEM_BYTES, type CanaryStateSummary, type ListedCanary, type LoadedCanary } from './types.ts';

/** A table item as the store writes it: flat, string and number attributes only. */
export type PlainItem = Readonly<Record<string, string | number>>;

// ---------------------------------------------------------------------------------------------------------
// Size, by DynamoDB's documented measure

/**
 * Bytes DynamoDB stores for a number: its significant digits in base-100 pairs aligned on the decimal point
 * (leading and trailing zeros trimmed), one byte for the exponent, one more when negative; zero is one byte.
 * AWS documents this as "about one byte per two significant digits, plus one"; the alignment and the sign
 * byte are what DynamoDB Local measures (checked by the store's tests at the 400 KB boundary).
 */
export function numberSize(value: number): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (match === null) throw new InvalidStoreInputError(`number attribute: expected a finite number, got ${String(value)}`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  let digits = whole + fraction;
  let point = whole.length + Number(exponent); // digits left of the decimal point
  const leading = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(leading).replace(/0+$/, '');
  point -= leading;
  if (digits === '') return 1;
  if (point % 2 !== 0) digits = `0${digits}`;
  const pairs = Math.ceil(digits.length / 2);
  return pairs + 1 + (sign === '-' ? 1 : 0);
}

/** Size of one attribute: UTF-8 bytes of its name plus its value's (strings: UTF-8 bytes; numbers: {@link numberSize}). */
export function attributeSize(name: string, value: string | number): number {
  const valueSize = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : numberSize(value);
  return Buffer.byteLength(name, 'utf8') + valueSize;
}

/** Size of an item: the sum of its attributes' sizes. */
export function itemSize(item: PlainItem): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += attributeSize(name, value);
  return total;
}

/** Throws `ItemTooLargeError` when `item` is over DynamoDB's limit. */
export function assertItemFits(item: PlainItem, description: string): void {
  const size = itemSize(item);
  if (size <= MAX_ITEM_BYTES) return;
  let largest = { name: '', size: -1 };
  for (const [name, value] of Object.entries(item)) {
    const s = attributeSize(name, value);
    if (s > largest.size) largest = { name, size: s };
  }
  throw new ItemTooLargeError(description, size, MAX_ITEM_BYTES, largest);
}

// ---------------------------------------------------------------------------------------------------------
// Input checks

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** `value` as `YYYY-MM-DDTHH:mm:ss.sssZ` (sortable as a string); throws naming `field` when it is no ISO time. */
export function normalizeTime(field: string, value: unknown): string {
  const ms = typeof value === 'string' && ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  const normalized = Number.isFinite(ms) ? new Date(ms).toISOString() : '';
  if (!/^\d{4}-/.test(normalized)) {
    throw new InvalidStoreInputError(`${field}: expected an ISO 8601 date-time with a zone (e.g. 2026-01-01T00:00:00Z), got ${show(value)}`);
  }
  return normalized;
}

/** Throws `InvalidStoreInputError` naming every invalid part of `id`. */
export function assertCanaryId(id: CanaryId): void {
  const problems = id !== null && typeof id === 'object' ? canaryIdProblems(id) : [`expected {cluster, namespace, name}, got ${show(id)}`];
  if (problems.length > 0) throw new InvalidStoreInputError(`canary id: ${problems.join('; ')}`);
}

/** Throws unless `version` is undefined or a non-negative integer; returns it with `undefined` as 0. */
export function expectedVersionOf(version: number | undefined): number {
  if (version === undefined) return 0;
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new InvalidStoreInputError(`expectedVersion: expected a non-negative integer (0 to create), got ${show(version)}`);
  }
  return version;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isFiniteNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isBoolean: Check = (v) => typeof v === 'boolean';
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isStringRecord: Check = (v) => isObject(v) && Object.values(v).every(isString);

function checkFields(
  path: string,
  value: Record<string, unknown>,
  fields: Record<string, [Check, string, 'required' | 'optional']>,
  problems: string[],
): void {
  for (const [field, [check, expected, presence]] of Object.entries(fields)) {
    const v = value[field];
    if (v === undefined && presence === 'optional') continue;
    if (!check(v)) problems.push(`${path}.${field}: expected ${expected}, got ${show(v)}`);
  }
}

function checkList(path: string, value: unknown, each: (path: string, item: Record<string, unknown>, problems: string[]) => void, problems: string[]): void {
  if (!Array.isArray(value)) {
    problems.push(`${path}: expected an array, got ${show(value)}`);
    return;
  }
  value.forEach((item, i) => {
    if (isObject(item)) each(`${path}[${i}]`, item, problems);
    else problems.push(`${path}[${i}]: expected an object, got ${show(item)}`);
  });
}

/** Everything wrong with a state (as parsed back from JSON), with field paths under `state.`. */
export function stateProblems(state: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!isPhase(state.phase)) problems.push(`state.phase: expected one of Flagger's phases, got ${show(state.phase)}`);
  checkFields('state', state, {
    canaryWeight: [isFiniteNumber, 'a number', 'required'],
    failedChecks: [isFiniteNumber, 'a number', 'required'],
    iterations: [isFiniteNumber, 'a number', 'required'],
    trackedConfigs: [isStringRecord, 'an object of strings', 'required'],
    paused: [isBoolean, 'a boolean', 'required'],
    lastTransitionTime: [isString, 'a string', 'required'],
    lastAppliedSpec: [isString, 'a string', 'optional'],
    lastPromotedSpec: [isString, 'a string', 'optional'],
    lastPromotedTemplate: [isObject, 'an object', 'optional'],
    promotingTemplate: [isObject, 'an object', 'optional'],
    lastPromotedConfigs: [isStringRecord, 'an object of strings', 'optional'],
    canaryNotReadySince: [isString, 'a string', 'optional'],
    canaryProgressCount: [isFiniteNumber, 'a number', 'optional'],
    canaryProgressAt: [isString, 'a string', 'optional'],
    idlePhase: [isPhase, "one of Flagger's phases", 'optional'],
    primaryNotRebuiltAlerted: [isBoolean, 'a boolean', 'optional'],
    canaryScaleDownPending: [isBoolean, 'a boolean', 'optional'],
    sessionAffinityCookie: [isString, 'a string', 'optional'],
    primarySessionAffinityCookie: [isString, 'a string', 'optional'],
    previousSessionAffinityCookie: [isString, 'a string', 'optional'],
    phaseEnteredAt: [isString, 'a string', 'optional'],
    progressingSince: [isString, 'a string', 'optional'],
    promotingSince: [isString, 'a string', 'optional'],
    primaryProgressCount: [isFiniteNumber, 'a number', 'optional'],
    primaryProgressAt: [isString, 'a string', 'optional'],
  }, problems);
  checkList('state.conditions', state.conditions, (path, c, p) =>
    checkFields(path, c, {
      type: [isString, 'a string', 'required'],
      status: [isString, 'a string', 'required'],
      reason: [isString, 'a string', 'required'],
      message: [isString, 'a string', 'optional'],
      lastTransitionTime: [isString, 'a string', 'optional'],
      lastUpdateTime: [isString, 'a string', 'optional'],
    }, p), problems);
  checkList('state.controls', state.controls, (path, c, p) => {
    if (!(CONTROL_ACTIONS as readonly unknown[]).includes(c.action)) {
      p.push(`${path}.action: expected one of ${CONTROL_ACTIONS.join(', ')}, got ${show(c.action)}`);
    }
    checkFields(path, c, {
      requestedBy: [isString, 'a string', 'required'],
      requestedAt: [isString, 'a string', 'required'],
      reason: [isString, 'a string', 'optional'],
    }, p);
  }, problems);
  if (state.promotionFailure !== undefined) {
    if (isObject(state.promotionFailure)) {
      checkFields('state.promotionFailure', state.promotionFailure, {
        mode: [(v) => v === 'restore' || v === 'hold', '"restore" or "hold"', 'required'],
        at: [isString, 'a string', 'required'],
        reason: [isString, 'a string', 'required'],
        restoreOverdueAlerted: [isBoolean, 'a boolean', 'optional'],
      }, problems);
    } else {
      problems.push(`state.promotionFailure: expected an object, got ${show(state.promotionFailure)}`);
    }
  }
  if (state.pendingRevision !== undefined) {
    if (isObject(state.pendingRevision)) {
      checkFields('state.pendingRevision', state.pendingRevision, {
        spec: [isString, 'a string', 'required'],
        trackedConfigs: [isStringRecord, 'an object of strings', 'required'],
        detectedAt: [isString, 'a string', 'required'],
      }, problems);
    } else {
      problems.push(`state.pendingRevision: expected an object, got ${show(state.pendingRevision)}`);
    }
  }
  return problems;
}

/** Everything wrong with a history item (as parsed back from JSON), with field paths under `historyItem.`. */
export function historyProblems(item: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const isWeights: Check = (v) => isObject(v) && isFiniteNumber(v.primary) && isFiniteNumber(v.canary);
  const isNonNegativeInteger: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
  checkFields('historyItem', item, {
    time: [isString, 'a string', 'required'],
    tick: [isNonNegativeInteger, 'a non-negative integer', 'required'],
    decision: [isString, 'a string', 'required'],
    actor: [isString, 'a string', 'required'],
    message: [isString, 'a string', 'required'],
    phaseAfter: [isPhase, "one of Flagger's phases", 'required'],
    phaseBefore: [isPhase, "one of Flagger's phases", 'optional'],
    weightsBefore: [isWeights, '{primary: number, canary: number}', 'required'],
    weightsAfter: [isWeights, '{primary: number, canary: number}', 'required'],
    metrics: [Array.isArray, 'an array', 'required'],
    webhooks: [Array.isArray, 'an array', 'required'],
    events: [Array.isArray, 'an array', 'required'],
    expiresAt: [(v) => isNonNegativeInteger(v) && (v as number) > 0, 'epoch seconds (a positive integer)', 'required'],
  }, problems);
  return problems;
}

/** `JSON.parse(JSON.stringify(value))` as an object, or an `InvalidStoreInputError` naming `what`. */
function jsonRoundTrip(what: string, value: unknown): { json: string; parsed: Record<string, unknown> } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new InvalidStoreInputError(`${what}: not JSON-serializable (${String(cause)})`, { cause });
  }
  const parsed: unknown = json === undefined ? undefined : JSON.parse(json);
  if (!isObject(parsed)) throw new InvalidStoreInputError(`${what}: expected an object, got ${show(value)}`);
  return { json: json as string, parsed };
}

// ---------------------------------------------------------------------------------------------------------
// Items

/**
 * The pod templates a state may carry, each kept in an attribute of its own: out of the `state` JSON, so the
 * `ByCluster` index (and `list`) leaves them out, and easy to spot when an item is too large.
 */
const TEMPLATE_ATTRIBUTES = { lastPromotedTemplate: 'template', promotingTemplate: 'promotingTemplate' } as const;

/**
 * The state item of `id` at `version`, stamped `updatedAt` (the committing step's time). Checks `state` as it
 * will read back (so NaN, which JSON turns into `null`, is refused now rather than at the next load) and its
 * size.
 */
export function encodeStateItem(id: CanaryId, state: CanaryState, version: number, updatedAt: string): PlainItem {
  const { lastPromotedTemplate, promotingTemplate, version: _ignored, ...rest } = state;
  const templates = { lastPromotedTemplate, promotingTemplate };
  const { json, parsed } = jsonRoundTrip('state', rest);
  const extra: Record<string, string> = {};
  for (const [field, attribute] of Object.entries(TEMPLATE_ATTRIBUTES)) {
    const template = templates[field as keyof typeof templates];
    if (template === undefined) continue;
    const encoded = jsonRoundTrip(`state.${field}`, template);
    parsed[field] = encoded.parsed;
    extra[attribute] = encoded.json;
  }
  const problems = stateProblems(parsed);
  if (problems.length > 0) throw new InvalidStoreInputError(`state of canary ${canaryKey(id)}: ${problems.join('; ')}`);
  const item: Record<string, string | number> = {
    [Keys.partition]: canaryPk(id),
    [Keys.sort]: STATE_SK,
    [Keys.gsi1Partition]: clusterGsiPk(id.cluster),
    [Keys.gsi1Sort]: clusterGsiSk(id.namespace, id.name),
    cluster: id.cluster,
    namespace: id.namespace,
    name: id.name,
    phase: state.phase,
    version,
    updatedAt,
    state: json,
    ...extra,
  };
  assertItemFits(item, `state item of canary ${canaryKey(id)}`);
  return item;
}

/** The history item committing `version`, checked and measured. */
export function encodeHistoryItem(id: CanaryId, historyItem: HistoryItem, version: number): PlainItem {
  const { json, parsed } = jsonRoundTrip('historyItem', { ...historyItem, version });
  const problems = historyProblems(parsed);
  if (problems.length > 0) throw new InvalidStoreInputError(`history item of canary ${canaryKey(id)}: ${problems.join('; ')}`);
  const time = normalizeTime('historyItem.time', historyItem.time);
  const item = {
    [Keys.partition]: canaryPk(id),
    [Keys.sort]: historySk(time, version),
    version,
    time,
    tick: historyItem.tick,
    [Keys.ttl]: historyItem.expiresAt,
    item: json,
  };
  assertItemFits(item, `history item of canary ${canaryKey(id)} at ${historyItem.time}`);
  return item;
}

function attribute<T extends 'string' | 'number'>(item: PlainItem, name: string, type: T): T extends 'string' ? string : number {
  const value = item[name];
  if (typeof value !== type) {
    throw new CorruptItemError(`item ${String(item[Keys.partition])} ${String(item[Keys.sort])}: attribute "${name}" should be a ${type}, got ${show(value)}`);
  }
  return value as T extends 'string' ? string : number;
}

function parseJsonAttribute(item: PlainItem, name: string): Record<string, unknown> {
  const text = attribute(item, name, 'string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new CorruptItemError(`item ${String(item[Keys.partition])} ${String(item[Keys.sort])}: attribute "${name}" is not JSON`, { cause });
  }
  if (!isObject(parsed)) throw new CorruptItemError(`item ${String(item[Keys.partition])} ${String(item[Keys.sort])}: attribute "${name}" is not a JSON object`);
  return parsed;
}

// Fields a stored state may lack because it was written before they existed.
const STATE_DEFAULTS = { trackedConfigs: {}, conditions: [], controls: [], paused: false };

function decodeSummary(item: PlainItem): { id: CanaryId; version: number; state: CanaryStateSummary } {
  const id = { cluster: attribute(item, 'cluster', 'string'), namespace: attribute(item, 'namespace', 'string'), name: attribute(item, 'name', 'string') };
  const version = attribute(item, 'version', 'number');
  const state = { ...STATE_DEFAULTS, ...parseJsonAttribute(item, 'state'), version };
  const problems = stateProblems(state);
  if (problems.length > 0) throw new CorruptItemError(`stored state of canary ${canaryKey(id)} is unreadable: ${problems.join('; ')}`);
  return { id, version, state: state as unknown as CanaryStateSummary };
}

/** A state item back as the state and version `load` returns. */
export function decodeStateItem(item: PlainItem): LoadedCanary {
  const { version, state } = decodeSummary(item);
  const templates: Record<string, JsonObject> = {};
  for (const [field, attribute] of Object.entries(TEMPLATE_ATTRIBUTES)) {
    if (item[attribute] !== undefined) templates[field] = parseJsonAttribute(item, attribute) as JsonObject;
  }
  const updatedAt = item['updatedAt'];
  return { version, state: { ...state, ...templates }, ...(typeof updatedAt === 'string' ? { updatedAt } : {}) };
}

/** A state item (or its index projection) back as a listed canary. */
export function decodeListedItem(item: PlainItem): ListedCanary {
  return decodeSummary(item);
}

/** A history item back as written, with its version. */
export function decodeHistoryItem(item: PlainItem): HistoryItem {
  return parseJsonAttribute(item, 'item') as unknown as HistoryItem;
}

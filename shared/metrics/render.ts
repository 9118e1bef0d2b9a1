/**
 * Renders a query template the way Flagger does (`observers.RenderQuery`): Go `text/template` executed with no
 * data, the model reachable only through functions (`{{ name }}`, `{{ namespace }}`, `{{ target }}`,
 * `{{ service }}`, `{{ ingress }}`, `{{ route }}`, `{{ interval }}`, `{{ variables.key }}`) and
 * `missingkey=error`. Fledge implements the subset Flagger's templates and users write: actions with `{{-`/`-}}`
 * trimming, comments, `$var := …` declarations, `printf "%s…" args…`, `index variables "key"`. Anything else is
 * an error naming the action, never a silent empty string.
 */
import { FledgeError } from '../errors.ts';
import type { MetricTemplateModel } from './types.ts';

/** A template that could not be rendered; the message names the action and the missing key or function. */
export class TemplateRenderError extends FledgeError {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

type Value = string | Readonly<Record<string, string>>;

/** The rendered query, or throws {@link TemplateRenderError}. */
export function renderQuery(template: string, model: MetricTemplateModel): string {
  const functions: Record<string, () => Value> = {
    name: () => model.name,
    namespace: () => model.namespace,
    target: () => model.target,
    service: () => model.service,
    ingress: () => model.ingress,
    route: () => model.route ?? model.target,
    interval: () => model.interval,
    variables: () => model.variables,
  };
  const scope = new Map<string, Value>();
  let out = '';
  let rest = template;
  for (let guard = 0; rest.length > 0 && guard <= template.length; guard++) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      out += rest;
      break;
    }
    let text = rest.slice(0, open);
    const trimLeft = rest.startsWith('{{- ', open) || rest.startsWith('{{-\t', open) || rest.startsWith('{{-\n', open);
    if (trimLeft) text = text.replace(/\s+$/u, '');
    out += text;
    const close = actionEnd(rest, open + 2);
    if (close < 0) throw new TemplateRenderError(`unclosed action: "${rest.slice(open, open + 40)}"`);
    const trimRight = /\s-$/u.test(rest.slice(open + 2, close));
    const inner = rest.slice(open + (trimLeft ? 3 : 2), trimRight ? close - 1 : close).trim();
    out += evaluateAction(inner, functions, scope);
    rest = rest.slice(close + 2);
    if (trimRight) rest = rest.replace(/^\s+/u, '');
  }
  return out;
}

/** Where the action opened before `from` closes: the first `}}` outside a quoted or raw string. */
function actionEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}

function evaluateAction(action: string, functions: Record<string, () => Value>, scope: Map<string, Value>): string {
  if (action.startsWith('/*') && action.endsWith('*/')) return '';
  const tokens = tokenize(action);
  const declaration = tokens.length >= 3 && tokens[0]?.kind === 'variable' && tokens[1]?.kind === 'declare';
  const command = declaration ? tokens.slice(2) : tokens;
  const value = evaluateCommand(action, command, functions, scope);
  if (declaration) {
    scope.set((tokens[0] as Token).text, value);
    return '';
  }
  if (typeof value !== 'string') throw new TemplateRenderError(`{{ ${action} }} prints a map; use {{ variables.<key> }}`);
  return value;
}

function evaluateCommand(action: string, tokens: readonly Token[], functions: Record<string, () => Value>, scope: Map<string, Value>): string | Value {
  const [head, ...args] = tokens;
  if (head === undefined) throw new TemplateRenderError(`empty action {{ ${action} }}`);
  if (head.kind === 'identifier' && head.text === 'printf') return printf(action, args.map((a) => asString(action, operand(action, a, functions, scope))));
  if (head.kind === 'identifier' && head.text === 'index') {
    const [map, key] = args.map((a) => operand(action, a, functions, scope));
    if (args.length !== 2 || map === undefined || typeof map === 'string' || typeof key !== 'string') {
      throw new TemplateRenderError(`{{ ${action} }}: index takes a map and a key, e.g. {{ index variables "key" }}`);
    }
    return lookup(map, key);
  }
  if (args.length > 0) throw new TemplateRenderError(`{{ ${action} }}: unsupported action; Fledge renders {{ name }}, {{ variables.key }}, printf and index`);
  return operand(action, head, functions, scope);
}

function operand(action: string, token: Token, functions: Record<string, () => Value>, scope: Map<string, Value>): Value {
  switch (token.kind) {
    case 'string':
      return token.text;
    case 'variable': {
      const value = scope.get(token.text);
      if (value === undefined) throw new TemplateRenderError(`{{ ${action} }}: undefined variable "${token.text}"`);
      return value;
    }
    case 'field':
      throw new TemplateRenderError(
        `{{ ${action} }}: "${token.text}" reads the template's data, which Flagger leaves empty; write {{ ${token.text.slice(1).split('.')[0]} }}`,
      );
    case 'identifier': {
      const [name, ...path] = token.text.split('.');
      const fn = functions[name as string];
      if (fn === undefined) throw new TemplateRenderError(`{{ ${action} }}: function "${name}" not defined`);
      let value = fn();
      for (const key of path) {
        if (typeof value === 'string') throw new TemplateRenderError(`{{ ${action} }}: ${name} is a string and has no field "${key}"`);
        value = lookup(value, key);
      }
      return value;
    }
    case 'declare':
      throw new TemplateRenderError(`{{ ${action} }}: unexpected ":="`);
    default: {
      const never: never = token.kind;
      throw new Error(`unknown token ${String(never)}`);
    }
  }
}

function lookup(map: Readonly<Record<string, string>>, key: string): string {
  if (!Object.hasOwn(map, key)) throw new TemplateRenderError(`map has no entry for key "${key}" (templateVariables.${key} is not set)`);
  return map[key] as string;
}

function asString(action: string, value: Value): string {
  if (typeof value !== 'string') throw new TemplateRenderError(`{{ ${action} }}: printf takes strings, got a map`);
  return value;
}

/** Go's `printf` for the verbs templates use: %s, %v, %q, %%. */
function printf(action: string, [format, ...args]: readonly string[]): string {
  if (format === undefined) throw new TemplateRenderError(`{{ ${action} }}: printf needs a format`);
  let next = 0;
  return format.replace(/%([svq%])/gu, (_match, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[next++];
    if (arg === undefined) return `%!${verb}(MISSING)`;
    return verb === 'q' ? JSON.stringify(arg) : arg;
  });
}

interface Token {
  readonly kind: 'identifier' | 'field' | 'variable' | 'string' | 'declare';
  readonly text: string;
}

function tokenize(action: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(:=)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\$[A-Za-z0-9_]*)|(\.[A-Za-z0-9_.]*)|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*))/uy;
  let index = 0;
  while (index < action.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(action);
    if (match === null || match[0].length === 0) {
      if (action.slice(index).trim() === '') break;
      throw new TemplateRenderError(`{{ ${action} }}: unsupported syntax at "${action.slice(index).trim()}"`);
    }
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'declare', text: ':=' });
    else if (match[2] !== undefined) tokens.push({ kind: 'string', text: JSON.parse(`"${match[2]}"`) as string });
    else if (match[3] !== undefined) tokens.push({ kind: 'string', text: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'variable', text: match[4] });
    else if (match[5] !== undefined) tokens.push({ kind: 'field', text: match[5] });
    else if (match[6] !== undefined) tokens.push({ kind: 'identifier', text: match[6] });
  }
  return tokens;
}

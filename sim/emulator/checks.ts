/**
 * Field-cause collection with kube-apiserver's wording (`k8s.io/apimachinery/pkg/util/validation/field`),
 * and the name and label formats every object is checked against.
 */
import type { StatusCause } from './errors.ts';

/** Renders a value as the API server prints it in `Invalid value: …`. */
export function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Collects field causes. */
export class Causes {
  readonly list: StatusCause[] = [];

  required(field: string, detail?: string): void {
    this.list.push({ reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field });
  }

  invalid(field: string, value: unknown, detail: string): void {
    this.list.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${render(value)}: ${detail}`, field });
  }

  unsupported(field: string, value: unknown, supported: readonly string[]): void {
    this.list.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${render(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`, field });
  }

  duplicate(field: string, value: unknown): void {
    this.list.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${render(value)}`, field });
  }

  notFound(field: string, value: unknown): void {
    this.list.push({ reason: 'FieldValueNotFound', message: `Not found: ${render(value)}`, field });
  }

  forbidden(field: string, detail: string): void {
    this.list.push({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });
  }

  tooLong(field: string, max: number): void {
    this.list.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${max} bytes`, field });
  }

  /** Whether the field has any cause yet. */
  has(field: string): boolean {
    return this.list.some((c) => c.field === field);
  }
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const CONFIG_KEY = '[-._a-zA-Z0-9]+';
const ENV_NAME = '[-._a-zA-Z][-._a-zA-Z0-9]*';

const full = (re: string) => new RegExp(`^${re}$`);

/** Checks an RFC 1123 subdomain (most object names). */
export function dns1123Subdomain(c: Causes, field: string, value: string): void {
  if (value.length > 253) c.invalid(field, value, 'must be no more than 253 characters');
  if (!full(DNS1123_SUBDOMAIN).test(value)) {
    c.invalid(field, value, `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN}')`);
  }
}

/** Checks an RFC 1123 label (namespace, container and volume names). */
export function dns1123Label(c: Causes, field: string, value: string): void {
  if (value.length > 63) c.invalid(field, value, 'must be no more than 63 characters');
  if (!full(DNS1123_LABEL).test(value)) {
    c.invalid(field, value, `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${DNS1123_LABEL}')`);
  }
}

/** Checks an RFC 1035 label (Service names). */
export function dns1035Label(c: Causes, field: string, value: string): void {
  if (value.length > 63) c.invalid(field, value, 'must be no more than 63 characters');
  if (!full(DNS1035_LABEL).test(value)) {
    c.invalid(field, value, `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${DNS1035_LABEL}')`);
  }
}

/** Checks an IANA service name (named ports): at most 15 characters, lower case, at least one letter. */
export function ianaServiceName(c: Causes, field: string, value: string): void {
  if (value.length > 15) c.invalid(field, value, 'must be no more than 15 characters');
  else if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(value) || value.includes('--')) c.invalid(field, value, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  else if (!/[a-z]/.test(value)) c.invalid(field, value, 'must contain at least one letter (a-z)');
}

/** Checks label keys and values (`metadata.labels`, selectors). */
export function labels(c: Causes, field: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (prefix !== undefined) dns1123Subdomain(c, field, prefix);
    if (name.length > 63 || !full(QUALIFIED_NAME).test(name)) {
      c.invalid(field, key, `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED_NAME}')`);
    }
    const text = typeof v === 'string' ? v : String(v);
    if (text.length > 63 || !full(LABEL_VALUE).test(text)) {
      c.invalid(field, text, `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`);
    }
  }
}

/** Checks ConfigMap/Secret keys. */
export function configKey(c: Causes, field: string, key: string): void {
  if (!full(CONFIG_KEY).test(key) || key === '.' || key === '..' || key.length > 253) {
    c.invalid(field, key, `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '${CONFIG_KEY}')`);
  }
}

/** Checks an environment variable name. */
export function envName(c: Causes, field: string, value: string): void {
  if (!full(ENV_NAME).test(value)) {
    c.invalid(field, value, `a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '${ENV_NAME}')`);
  }
}

/** Checks a port number (1–65535). */
export function portNumber(c: Causes, field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) c.invalid(field, value, 'must be between 1 and 65535, inclusive');
}

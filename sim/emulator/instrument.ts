/** A request as the emulator saw it, for tests and benchmarks. */
export interface RequestRecord {
  /** The Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection; `discovery` for the rest. */
  readonly verb: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly contentType?: string;
  /** Plural resource (`deployments`), with its subresource when there is one (`deployments/scale`). */
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** The status code answered, or 0 when the connection was reset or left hanging by a fault. */
  status: number;
  /** Milliseconds from the first byte to the last, injected latency included. */
  durationMs: number;
  readonly time: Date;
}

/** The request facts a fault matcher sees. */
export type RequestFacts = Pick<RequestRecord, 'verb' | 'method' | 'path' | 'resource' | 'namespace' | 'name'>;

/** Which requests a fault hits. All given fields must match. */
export interface FaultMatcher {
  readonly verb?: string;
  readonly method?: string;
  /** Plural resource, optionally with its subresource: `virtualservices`, `deployments/scale`. */
  readonly resource?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly path?: RegExp;
  /** Fire from the nth matching request on (1-based). @default 1 */
  readonly nth?: number;
  /** How many matching requests the fault hits, starting at `nth`. @default 1 */
  readonly times?: number;
}

/** What a fault does to a matching request. */
export type FaultAction =
  /** Answer with this status code and a `Status` body, without touching the cluster (or after committing, with `afterCommit`). */
  | { readonly type: 'status'; readonly code: number; readonly reason?: string; readonly message?: string; readonly afterCommit?: boolean }
  /** Destroy the connection without an answer (before or after the write is committed). */
  | { readonly type: 'reset'; readonly afterCommit?: boolean }
  /** Never answer: the client times out. The connection closes when the emulator stops. */
  | { readonly type: 'timeout' }
  /** Answer normally, this many milliseconds late. */
  | { readonly type: 'delay'; readonly ms: number };

/** A registered fault, with how often it has fired. */
export interface Fault {
  readonly matcher: FaultMatcher;
  readonly action: FaultAction;
  /** Matching requests seen so far. */
  seen: number;
  /** Times it has fired. */
  fired: number;
}

function matches(m: FaultMatcher, facts: RequestFacts): boolean {
  const resource = facts.resource ?? '';
  return (
    (m.verb === undefined || m.verb === facts.verb) &&
    (m.method === undefined || m.method.toUpperCase() === facts.method) &&
    (m.resource === undefined || m.resource === resource) &&
    (m.namespace === undefined || m.namespace === facts.namespace) &&
    (m.name === undefined || m.name === facts.name) &&
    (m.path === undefined || m.path.test(facts.path))
  );
}

/**
 * Injected faults and latency. Faults are checked in the order they were added; the first that fires wins.
 *
 * @example
 * // the 3rd PATCH to virtualservices answers 500
 * emulator.faults.add({ verb: 'patch', resource: 'virtualservices', nth: 3 }, { type: 'status', code: 500 });
 */
export class Faults {
  private readonly list: Fault[] = [];
  private latency: (facts: RequestFacts) => number = () => 0;

  /** Adds a fault; returns it so a test can read `fired`. */
  add(matcher: FaultMatcher, action: FaultAction): Fault {
    const fault: Fault = { matcher, action, seen: 0, fired: 0 };
    this.list.push(fault);
    return fault;
  }

  /** Delays every request by `ms` (or by what the function says for it). */
  setLatency(ms: number | ((facts: RequestFacts) => number)): void {
    this.latency = typeof ms === 'number' ? () => ms : ms;
  }

  clear(): void {
    this.list.length = 0;
    this.latency = () => 0;
  }

  /** The latency for a request. */
  latencyFor(facts: RequestFacts): number {
    return Math.max(0, this.latency(facts));
  }

  /** The action of the first fault that fires for this request, counting the request against every matching fault. */
  take(facts: RequestFacts): FaultAction | undefined {
    let hit: FaultAction | undefined;
    for (const fault of this.list) {
      if (!matches(fault.matcher, facts)) continue;
      fault.seen++;
      const first = fault.matcher.nth ?? 1;
      const last = first + (fault.matcher.times ?? 1) - 1;
      if (hit === undefined && fault.seen >= first && fault.seen <= last) {
        fault.fired++;
        hit = fault.action;
      }
    }
    return hit;
  }
}

/** Request counts by `verb resource` (`patch virtualservices`, `get deployments/scale`). */
export class Counters {
  private readonly counts = new Map<string, number>();

  record(verb: string, resource: string | undefined): void {
    const key = resource ? `${verb} ${resource}` : verb;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** The count for `verb` on `resource` (all resources when omitted). */
  get(verb: string, resource?: string): number {
    if (resource !== undefined) return this.counts.get(`${verb} ${resource}`) ?? 0;
    let total = 0;
    for (const [key, n] of this.counts) if (key === verb || key.startsWith(`${verb} `)) total += n;
    return total;
  }

  /** Every count, keyed `verb resource`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The total of all requests counted. */
  total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  reset(): void {
    this.counts.clear();
  }
}

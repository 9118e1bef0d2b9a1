/**
 * A tiny fact generator for path tests: a target, its primary and the routes as data, changed only by the
 * effects the engine returns. Pods of a "bad" revision never become ready or fail the success rate, as the
 * rules say. This is test data, not a model of Kubernetes: just enough to replay whole releases.
 */
import type { Canary } from '../../shared/api/types.ts';
import type { CanaryState } from '../../shared/api/state.ts';
import type { RouteSpec } from '../../shared/api/routes.ts';
import type { Effect, Facts } from '../../shared/engine/index.ts';
import { drive, template } from './fixtures.ts';
import type { Answers, Driven } from './fixtures.ts';

/** How the world behaves. */
export interface Rules {
  /** Success rate of canary pods running a revision. @default 100 */
  readonly successRate?: (revision: string) => number;
  /** Pods of this revision never become ready. */
  readonly neverReady?: (revision: string) => boolean;
  /** Primary pods made from a promoted (not restored) template never become ready (seed 000's #1898). */
  readonly primaryNeverReadyAfterPromotion?: boolean;
  /** The primary replaces all pods at once (Recreate): no pod is available while it rolls. */
  readonly recreate?: boolean;
  /** Steps a primary created by an `initialize` takes to become ready. @default 0 */
  readonly rebuildTakes?: number;
  /** Webhook answers by name, per step (the last repeats). */
  readonly hooks?: Readonly<Record<string, readonly ('pass' | 'fail' | 'pending')[]>>;
}

/** One observed step: what was decided, and the routes and replicas after its effects. */
export interface Observed {
  readonly step: number;
  readonly result: Driven;
  readonly routes: { primary: number; canary: number; mirrored: boolean; matched: { primary: number; canary: number } | null };
  readonly canaryReplicas: number;
  readonly primaryReady: boolean;
}

/** The world. */
export class World {
  readonly rules: Rules;
  targetRevision = 'rev-1';
  targetReplicas = 2;
  primaryExists = false;
  primaryRevision = 'rev-1';
  primaryPromoted = false;
  /** Steps until a primary the world just created is ready. */
  primaryReadyIn = 0;
  routes: Observed['routes'] = { primary: 100, canary: 0, mirrored: false, matched: null };
  state: CanaryState | undefined = undefined;
  steps = 0;
  private hookCalls: Record<string, number> = {};

  constructor(rules: Rules = {}) {
    this.rules = rules;
  }

  /** `<target>-primary` is deleted (like `kubectl delete deployment podinfo-primary`). */
  deletePrimary(): void {
    this.primaryExists = false;
  }

  /** A new revision of the target (like `kubectl set image`). */
  deploy(revision: string): void {
    this.targetRevision = revision;
  }

  private canaryReady(): boolean {
    return this.targetReplicas > 0 && !this.rules.neverReady?.(this.targetRevision);
  }

  private primaryReady(): boolean {
    if (!this.primaryExists || this.primaryReadyIn > 0) return false;
    if (this.primaryPromoted && this.rules.primaryNeverReadyAfterPromotion) return false;
    return !this.rules.neverReady?.(this.primaryRevision);
  }

  /** The facts the controller would gather now. */
  facts(): Facts {
    const primaryReady = this.primaryReady();
    const primaryAvailable = primaryReady ? 2 : this.rules.recreate || this.primaryReadyIn > 0 ? 0 : 2;
    const canaryReady = this.canaryReady();
    return {
      target: {
        exists: true,
        readiness: canaryReady ? { kind: 'ready' } : { kind: 'wait', reason: `canary deployment podinfo.test not ready: waiting for rollout to finish` },
        replicas: this.targetReplicas,
        availableReplicas: canaryReady ? this.targetReplicas : 0,
        templateHash: this.targetRevision,
        template: template(this.targetRevision),
      },
      primary: {
        exists: this.primaryExists,
        readiness: primaryReady ? { kind: 'ready' } : { kind: 'wait', reason: 'podinfo-primary.test not ready: waiting for rollout to finish' },
        expected: primaryReady ? { kind: 'reached' } : { kind: 'pending', reason: '0 of 2 updated replicas are available' },
        replicas: 2,
        availableReplicas: this.primaryExists ? primaryAvailable : 0,
      },
      trackedConfigs: {},
      routes: { ok: true, ...this.routes },
    };
  }

  private answers(): Answers {
    const hooks: Record<string, 'pass' | 'fail' | 'pending'> = {};
    for (const [name, list] of Object.entries(this.rules.hooks ?? {})) {
      const i = Math.min(this.hookCalls[name] ?? 0, list.length - 1);
      hooks[name] = list[i] ?? 'pass';
    }
    return { hooks, metrics: { 'request-success-rate': this.rules.successRate?.(this.targetRevision) ?? 100 } };
  }

  /** Runs one step of `canary` at minute `steps`, applies its effects, keeps its state. */
  step(canary: Canary): Observed {
    if (this.primaryReadyIn > 0) this.primaryReadyIn -= 1;
    const now = new Date(Date.UTC(2026, 0, 1, 0, this.steps, 0)).toISOString().replace('.000Z', 'Z');
    const result = drive({ canary, state: this.state, facts: this.facts(), now }, this.answers());
    for (const name of result.called) this.hookCalls[name] = (this.hookCalls[name] ?? 0) + 1;
    for (const effect of result.effects) this.apply(effect);
    this.state = result.next;
    this.steps += 1;
    return { step: this.steps, result, routes: { ...this.routes }, canaryReplicas: this.targetReplicas, primaryReady: this.primaryReady() };
  }

  /** Steps until the predicate holds or `max` steps ran. */
  run(canary: Canary, until: (o: Observed) => boolean, max = 40): Observed[] {
    const out: Observed[] = [];
    for (let i = 0; i < max; i++) {
      const o = this.step(canary);
      out.push(o);
      if (until(o)) break;
    }
    return out;
  }

  private apply(effect: Effect): void {
    switch (effect.type) {
      case 'initialize':
        if (!this.primaryExists) {
          this.primaryExists = true;
          this.primaryRevision = effect.template === undefined ? this.targetRevision : revisionOf(effect.template);
          this.primaryPromoted = false;
          this.primaryReadyIn = this.rules.rebuildTakes ?? 0;
        }
        return;
      case 'scaleCanaryToZero':
        this.targetReplicas = 0;
        return;
      case 'scaleCanary':
        this.targetReplicas = effect.replicas;
        return;
      case 'setRoutes':
        this.routes = routesOf(effect.routes);
        return;
      case 'promote':
        this.primaryRevision = this.targetRevision;
        this.primaryPromoted = true;
        return;
      case 'restorePrimary':
        this.primaryRevision = revisionOf(effect.template);
        this.primaryPromoted = false;
        return;
      case 'reconcileRouter':
      case 'addFinalizer':
      case 'revertTarget':
      case 'finalizeRouter':
      case 'removeFinalizer':
      case 'reviveOrphanedTargets':
      case 'runHooks':
      case 'notify':
      case 'recordEvent':
        return;
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
}

/** The revision a pod template of {@link template} runs. */
function revisionOf(podTemplate: object): string {
  const image = (podTemplate as { spec: { containers: { image: string }[] } }).spec.containers[0]?.image ?? '';
  return image.replace('podinfo:', '');
}

function routesOf(spec: RouteSpec): Observed['routes'] {
  if (spec.match) return { primary: 100, canary: 0, mirrored: spec.mirrored, matched: { primary: spec.primary, canary: spec.canary } };
  return { primary: spec.primary, canary: spec.canary, mirrored: spec.mirrored, matched: null };
}

import type { KubeObject } from '../emulator/types.ts';
import { podTemplateHash } from './hash.ts';
import type { TemplateOrigin } from './types.ts';

const PRIMARY_SUFFIX = '-primary';

/** Whether `name` is a `<target>-primary` workload as Flagger names them. */
export function isPrimaryName(name: string): boolean {
  return name.length > PRIMARY_SUFFIX.length && name.endsWith(PRIMARY_SUFFIX);
}

/**
 * Remembers every pod template each `<target>-primary` Deployment or DaemonSet has run, to tell which templates
 * were copied from the canary at promotion (the rule behind `primary.neverReadyAfterPromotion`).
 *
 * The rule, per primary object (keyed by uid, so a deleted and re-created primary starts afresh):
 * - the first template the world sees is the bootstrap copy (or the primary as the scenario created it): `initial`;
 * - a later template the primary has never run is a promotion — only the canary controller changes a primary's
 *   template, and promoting is the one reason it does so with a template the primary never ran: `promoted`;
 * - a template the primary ran before (a restore of the last promoted template, a rollback) keeps the origin it
 *   got when first seen, so restoring the bootstrap template brings back pods that behave as their image says.
 *
 * Templates compare by their full canonical JSON (controller hash labels ignored): a restore must write the
 * stored template back unchanged to be recognised; a template that differs in any field, an annotation
 * included, is a new one.
 */
export class PrimaryTemplates {
  private readonly seen = new Map<string, Map<string, TemplateOrigin>>();

  /** Records the current template of `workload` if it is a primary; returns its origin. */
  observe(workload: KubeObject): TemplateOrigin | undefined {
    const uid = workload.metadata.uid;
    if (uid === undefined || !isPrimaryName(workload.metadata.name)) return undefined;
    const hash = podTemplateHash((workload['spec'] as { template?: unknown } | undefined)?.template);
    let templates = this.seen.get(uid);
    if (!templates) {
      templates = new Map();
      this.seen.set(uid, templates);
    }
    const known = templates.get(hash);
    if (known) return known;
    const origin: TemplateOrigin = templates.size === 0 ? 'initial' : 'promoted';
    templates.set(hash, origin);
    return origin;
  }

  /** The origin recorded for the template with `hash` of the primary with `uid`, if any. */
  origin(uid: string | undefined, hash: string): TemplateOrigin | undefined {
    return uid === undefined ? undefined : this.seen.get(uid)?.get(hash);
  }
}

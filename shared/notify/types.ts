/**
 * The notification port: alerts the engine raises (Flagger's `alert()` calls) and the notifiers that deliver
 * them (SNS, Slack, MS Teams, Discord, Rocket.Chat, Google Chat, generic webhook).
 */
import type { CanaryId } from '../api/state.ts';

/**
 * Alert severities. An alert or an `analysis.alerts[]` entry with an empty severity is `info` (Flagger
 * documents it so; Fledge applies it everywhere).
 */
export const Severities = { info: 'info', warn: 'warn', error: 'error' } as const;
/** One of {@link Severities}. */
export type Severity = (typeof Severities)[keyof typeof Severities];

/** A name/value line shown with an alert (Flagger's notifier fields: "Target", "Failed checks threshold", …). */
export interface AlertField {
  readonly name: string;
  readonly value: string;
}

/** One alert about one canary. */
export interface Alert {
  readonly canary: CanaryId;
  readonly severity: Severity;
  /** Flagger's wording, e.g. `Canary analysis completed successfully, promotion finished.` */
  readonly message: string;
  /** Extra lines; Flagger adds them on initialization and new revisions. */
  readonly fields: readonly AlertField[];
}

/** The outcome of one delivery; a notifier never throws for a failed delivery. */
export type NotifyResult = { readonly kind: 'sent' } | { readonly kind: 'error'; readonly error: string };

/** Delivers alerts to one destination. */
export interface Notifier {
  /** The destination kind, e.g. `slack` or `sns`. */
  readonly type: string;
  post(alert: Alert): Promise<NotifyResult>;
}

/**
 * The notification port: alerts the engine raises (Flagger's `alert()` calls) and the notifiers that deliver
 * them (SNS, Slack, MS Teams, Discord, Rocket.Chat, Google Chat, generic webhook).
 */
import type { CanaryId, Phase, Weights } from '../api/state.ts';

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
  /** The canary's phase once the step that raised the alert was committed. */
  readonly phase?: Phase;
  /** The release the alert is about: the primary's (last promoted) image and the target's. */
  readonly images?: ReleaseImages;
}

/**
 * The images of a release: `before`, the last promoted one (the primary's), and `after`, the target's (the
 * canary's). One container: its image; several: `name=image` joined by `, `.
 */
export interface ReleaseImages {
  readonly before?: string;
  readonly after?: string;
}

/** One committed change of a canary's phase, published to Fledge's own destinations (EventBridge). */
export interface PhaseChange {
  readonly canary: CanaryId;
  /** Absent for a canary seen for the first time. */
  readonly phaseBefore?: Phase;
  readonly phaseAfter: Phase;
  readonly weightsBefore: Weights;
  readonly weightsAfter: Weights;
  /** The pod-template hash whose run this is (`lastAppliedSpec`). */
  readonly revision?: string;
  readonly images?: ReleaseImages;
  /** What the step decided, in words (history's `message`). */
  readonly message: string;
  /** When the step ran (RFC 3339). */
  readonly time: string;
}

/** The outcome of one delivery; a notifier never throws for a failed delivery. */
export type NotifyResult = { readonly kind: 'sent' } | { readonly kind: 'error'; readonly error: string };

/** Delivers alerts to one destination. */
export interface Notifier {
  /** The destination kind, e.g. `slack` or `sns`. */
  readonly type: string;
  post(alert: Alert): Promise<NotifyResult>;
}

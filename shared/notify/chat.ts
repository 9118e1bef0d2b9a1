/**
 * The chat providers' JSON payloads, as Flagger's notifiers build them (`pkg/notifier/*.go`): Slack, Discord and
 * Rocket.Chat a Slack attachment (Slack and Discord `good`/`danger`, Rocket.Chat `#0076D7`/`#FF0000`), MS Teams a
 * MessageCard (`0076D7`/`FF0000`), Google Chat a card with one text paragraph per field. Only `error` gets the
 * alarm colour. Pure: no I/O.
 */
import type { AlertProviderType } from '../api/types.ts';
import type { AlertField, Severity } from './types.ts';

/** What every chat message says. */
export interface ChatMessage {
  /** The Canary's name (Flagger's `workload`). */
  readonly name: string;
  readonly namespace: string;
  readonly message: string;
  readonly fields: readonly AlertField[];
  readonly severity: Severity;
}

/** Provider settings that change the payload. */
export interface ChatIdentity {
  /** @default 'flagger', as Flagger */
  readonly username: string;
  /** @default 'general', as Flagger */
  readonly channel: string;
}

/** The JSON body Flagger posts to a provider of `type`. */
export function chatPayload(type: AlertProviderType, message: ChatMessage, identity: ChatIdentity): unknown {
  switch (type) {
    case 'slack':
    case 'discord':
      return slackPayload(message, identity, message.severity === 'error' ? 'danger' : 'good');
    case 'rocket':
      return slackPayload(message, identity, message.severity === 'error' ? '#FF0000' : '#0076D7');
    case 'msteams':
      return teamsPayload(message);
    case 'gchat':
      return gchatPayload(message);
    default: {
      const never: never = type;
      throw new Error(`unknown alert provider type ${String(never)}`);
    }
  }
}

/**
 * The address Flagger posts to: Discord gets Slack-compatible messages at `<hook>/slack` (its documented Slack
 * formatting endpoint) unless the address already ends so.
 */
export function chatAddress(type: AlertProviderType, address: string): string {
  if (type !== 'discord' || address.endsWith('/slack')) return address;
  const url = new URL(address);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/slack`;
  return url.toString();
}

function slackPayload(m: ChatMessage, identity: ChatIdentity, color: string): unknown {
  return {
    channel: identity.channel,
    username: identity.username,
    icon_url: '',
    icon_emoji: ':rocket:',
    attachments: [
      {
        color,
        author_name: `${m.name}.${m.namespace}`,
        text: m.message,
        mrkdwn_in: ['text'],
        fields: m.fields.map((f) => ({ title: f.name, value: f.value, short: false })),
      },
    ],
  };
}

function teamsPayload(m: ChatMessage): unknown {
  return {
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: m.severity === 'error' ? 'FF0000' : '0076D7',
    summary: `${m.name}.${m.namespace}`,
    sections: [{ activityTitle: m.message, activitySubtitle: `${m.name}.${m.namespace}`, facts: m.fields.map((f) => ({ name: f.name, value: f.value })) }],
  };
}

function gchatPayload(m: ChatMessage): unknown {
  const paragraph = (text: string) => ({ widgets: [{ textParagraph: { text } }] });
  return {
    cards: [
      {
        header: { title: 'Flagger', subtitle: `${m.name}.${m.namespace}`, imageUrl: 'https://flagger.app/favicon.png' },
        sections: [
          paragraph(`<font color=#848484><strong>${m.message}</strong></font>`),
          ...m.fields.map((f) => paragraph(`${f.name}<br><font color=#848484><strong>${f.value}</strong></font>`)),
        ],
      },
    ],
  };
}

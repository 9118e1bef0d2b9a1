/**
 * The base of every error Fledge raises on purpose. Areas subclass it in their own `errors.ts`, set `name`,
 * and keep the underlying error as `cause` so logs show both what we were doing and what went wrong.
 */
export class FledgeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FledgeError';
  }
}

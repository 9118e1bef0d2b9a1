import type { Admission } from './handlers.ts';

/** Admission that stores objects as they come: no defaulting, no validation. */
export const passThroughAdmission: Admission = {
  admit: (_type, _version, object) => object,
};

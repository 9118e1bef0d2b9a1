/**
 * The ajv configuration of Fledge's schema: the validators in `validators.generated.ts` are compiled with it
 * ahead of time (`precompile.ts`), and the tests compile Flagger's own CRD schema with it.
 */
import { Ajv, type Options } from 'ajv';

/** An ajv instance that understands the Kubernetes structural-schema extensions our schema uses. */
export function createAjv(options: { strict?: boolean; code?: Options['code'] } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: options.strict ?? true,
    strictTypes: false,
    strictRequired: false,
    ...(options.code === undefined ? {} : { code: options.code }),
  });
  for (const keyword of [
    'x-kubernetes-int-or-string',
    'x-kubernetes-validations',
    'x-kubernetes-preserve-unknown-fields',
  ]) {
    ajv.addKeyword(keyword);
  }
  // Kubernetes ignores formats it does not know and Flagger's CRD uses several; none is enforced here.
  for (const format of ['url', 'int32', 'date-time', 'string']) ajv.addFormat(format, true);
  return ajv;
}

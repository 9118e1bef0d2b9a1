import { Causes } from './checks.ts';
import { Allocators, applyDefaults } from './defaults.ts';
import { ApiError, invalid } from './errors.ts';
import type { Admission } from './handlers.ts';
import { clone } from './meta.ts';
import { checkSchema } from './models.ts';
import { apiVersionOf } from './resources.ts';
import { admitCustomResource } from './schema.ts';
import { validateBuiltin, validateMeta } from './validate.ts';

/** Admission that stores objects as they come: no defaulting, no validation. */
export const passThroughAdmission: Admission = {
  admit: (_type, _version, object) => object,
};

/**
 * The emulator's admission, as kube-apiserver runs it before storage: built-in objects get their API
 * defaults, then are checked against their OpenAPI schema (a type error fails decoding: 400) and their
 * semantic rules (422 Invalid with field causes); custom resources are pruned, defaulted and validated
 * against their CRD's structural schema.
 */
export function createAdmission(): Admission {
  const allocators = new Allocators();
  return {
    admit(type, version, object, old, options = {}) {
      const out = clone(object);
      const ref = { group: type.group, resource: type.resource, kind: type.kind, name: out.metadata.name ?? '' };
      if (type.custom) {
        const schema = type.schemas?.[version];
        const { object: admitted, causes, pruned } = admitCustomResource(schema, out);
        if (options.strict && pruned.length > 0) throw new ApiError(400, 'BadRequest', `strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(', ')}`);
        const meta = new Causes();
        validateMeta(meta, type.kind, out);
        const all = [...meta.list, ...causes];
        if (all.length > 0) throw invalid(ref, all);
        return admitted as typeof object;
      }
      const apiVersion = apiVersionOf(type.group, version);
      const findings = checkSchema(apiVersion, type.kind, out);
      if (findings.decodeErrors.length > 0) {
        throw new ApiError(400, 'BadRequest', `${type.kind} in version "${version}" cannot be handled as a ${type.kind}: ${findings.decodeErrors.join('; ')}`);
      }
      applyDefaults(type.kind, out, old, allocators);
      const causes = validateBuiltin(type.kind, out, old);
      for (const cause of findings.causes) if (!causes.has(cause.field ?? '')) causes.list.push(cause);
      if (causes.list.length > 0) throw invalid(ref, causes.list);
      return out;
    },
  };
}

import { Ajv, type AnySchema } from 'ajv';
import formats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = (formats as unknown as { default: (ajv: Ajv) => Ajv }).default;

/**
 * Two validators: query strings and path params arrive as text and are coerced ("5" → 5,
 * one value → array); JSON bodies are taken as sent. Fastify's default coerces bodies too,
 * which silently turns `0` into `null` for a nullable number — a wrong value accepted instead
 * of an error. Unknown keys are errors everywhere; every bad field is reported at once.
 */
/** An ajv with our rules: unknown keys kept (and rejected by schemas), all errors, formats. */
export function createAjv(coerceTypes: boolean | 'array' = false): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, strict: false, discriminator: true });
  addFormats(ajv);
  return ajv;
}

export function registerValidators(app: FastifyInstance) {
  const forText = createAjv('array');
  const forBody = createAjv(false);

  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? forBody : forText;
    for (const [id, shared] of Object.entries(app.getSchemas())) if (!ajv.getSchema(id)) ajv.addSchema(shared as AnySchema, id);
    return ajv.compile(schema as AnySchema);
  });
}

import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorBody, type ErrorCode, type FieldProblem } from '../../shared/error-codes.ts';

/** A domain error with a stable code; services throw these, the HTTP layer renders them. */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
    this.statusCode = ERROR_CODES[code];
  }
}

export const notFound = (what: string) => new AppError('XIAOAN_NOT_FOUND', `${what} not found`);
export const forbidden = (why = 'not allowed for your role') => new AppError('XIAOAN_AUTH_FORBIDDEN', why);
export const invalid = (details: FieldProblem[], message?: string) =>
  new AppError('XIAOAN_VALIDATION_FAILED', message ?? details.map((d) => `${d.field}: ${d.reason}`).join('; '), details);
export const invalidField = (field: string, reason: string, rule?: string) => invalid([{ field, reason, rule }]);
export const conflict = (message: string, details: FieldProblem[] = []) => new AppError('XIAOAN_CONFLICT', message, details);
export const deviceUnreachable = (message: string) => new AppError('XIAOAN_DEVICE_UNREACHABLE', message);

export interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/camera/fovDeg` → `camera.fovDeg`; `/items/3/name` → `items[3].name`. */
function jsonPointerToField(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function ajvToProblem(e: AjvError): FieldProblem {
  let field = jsonPointerToField(e.instancePath);
  const join = (name: string) => (field ? `${field}.${name}` : name);
  switch (e.keyword) {
    case 'required':
      return { field: join(String(e.params.missingProperty)), reason: 'is required', rule: 'required' };
    case 'additionalProperties':
      return { field: join(String(e.params.additionalProperty)), reason: 'is not a known field', rule: 'unknown' };
    case 'enum':
      return { field, reason: `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`, rule: 'enum' };
    default:
      if (!field) field = '(root)';
      return { field, reason: e.message ?? e.keyword, rule: e.keyword };
  }
}

/** Unions of literals produce one error per literal; collapse them into a single "must be one of". */
function collapse(problems: FieldProblem[], errors: AjvError[]): FieldProblem[] {
  const byField = new Map<string, FieldProblem>();
  const constValues = new Map<string, unknown[]>();
  errors.forEach((e, i) => {
    const p = problems[i];
    if (e.keyword === 'const') {
      const list = constValues.get(p.field) ?? [];
      list.push(e.params.allowedValue);
      constValues.set(p.field, list);
      return;
    }
    if (e.keyword === 'anyOf' && constValues.has(p.field)) return;
    if (!byField.has(p.field + '|' + p.rule)) byField.set(p.field + '|' + p.rule, p);
  });
  for (const [field, values] of constValues) {
    byField.set(field + '|enum', { field, reason: `must be one of: ${values.join(', ')}`, rule: 'enum' });
  }
  // A nullable field that fails its real schema also fails the `null` branch and the anyOf;
  // those echoes only add noise when a specific reason exists.
  const all = [...byField.values()];
  const isEcho = (p: FieldProblem) => p.rule === 'anyOf' || (p.rule === 'type' && p.reason === 'must be null');
  const within = (o: FieldProblem, p: FieldProblem) => o.field === p.field || o.field.startsWith(p.field + '.') || o.field.startsWith(p.field + '[');
  return all.filter((p) => !isEcho(p) || !all.some((o) => within(o, p) && !isEcho(o)));
}

/** Turns ajv errors into field problems; `prefix` names where the validated value sits (`payload`). */
export function problemsFromAjv(errors: AjvError[], prefix = ''): FieldProblem[] {
  const problems = collapse(errors.map(ajvToProblem), errors);
  if (!prefix) return problems;
  return problems.map((p) => ({ ...p, field: p.field === '(root)' ? prefix : `${prefix}.${p.field}` }));
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError & { validation?: AjvError[]; validationContext?: string }, req, reply) => {
    let body: ErrorBody;
    if (err instanceof AppError) {
      body = { statusCode: err.statusCode, code: err.code, error: httpName(err.statusCode), message: err.message, details: err.details };
    } else if (err.validation) {
      const problems = problemsFromAjv(err.validation);
      const where = err.validationContext ?? 'request';
      body = {
        statusCode: 400,
        code: 'XIAOAN_VALIDATION_FAILED',
        error: 'Bad Request',
        message: `Invalid ${where}: ` + problems.map((p) => `${p.field} ${p.reason}`).join('; '),
        details: problems,
      };
    } else if (err.statusCode === 429) {
      body = { statusCode: 429, code: 'XIAOAN_AUTH_RATE_LIMITED', error: 'Too Many Requests', message: err.message, details: [] };
    } else if (err.statusCode === 413) {
      body = { statusCode: 413, code: 'XIAOAN_PAYLOAD_TOO_LARGE', error: 'Payload Too Large', message: err.message, details: [] };
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, wrong content type, empty body …
      body = { statusCode: 400, code: 'XIAOAN_REQUEST_MALFORMED', error: 'Bad Request', message: err.message, details: [{ field: 'body', reason: err.message }] };
    } else {
      req.log.error({ err }, 'unhandled error');
      body = { statusCode: 500, code: 'XIAOAN_INTERNAL', error: 'Internal Server Error', message: 'internal error, see server log', details: [] };
    }
    return reply.status(body.statusCode).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    const body: ErrorBody = { statusCode: 404, code: 'XIAOAN_NOT_FOUND', error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}`, details: [] };
    return reply.status(404).send(body);
  });
}

function httpName(status: number): string {
  return (
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests' }[status] ??
    'Error'
  );
}

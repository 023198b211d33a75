// Request validation: JSON bodies are checked strictly (a number is not a name), while the
// query string, path and headers, which are text by nature, are coerced to the schema's types.
import { Ajv, type Options } from 'ajv'
import * as addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import { httpError } from './errors.js'

// ajv-formats is CommonJS: its default export arrives wrapped under ESM
type AddFormats = (ajv: Ajv) => Ajv
const addFormats = (addFormatsModule as unknown as { default: AddFormats }).default

function makeAjv (coerceTypes: Options['coerceTypes']): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false })
  addFormats(ajv)
  return ajv
}

export function installValidation (app: FastifyInstance): void {
  const strict = makeAjv(false)
  const coercing = makeAjv('array')
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object))
}

/** Where a NUL character (U+0000) hides in a value, as a path like body/contacts/0/fullName; undefined when none. */
export function findNul (value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined
  if (value === null || typeof value !== 'object' || depth > 32) return undefined
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return `${path}/${key.replaceAll('\u0000', '\\0')}`
    const found = findNul(v, `${path}/${key}`, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * PostgreSQL refuses U+0000 in text, so a NUL anywhere in a request is refused here, before any
 * code or query sees it, with the field it was in.
 */
export function refuseNulCharacters (app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const where = findNul(req.params, 'params') ?? findNul(req.query, 'querystring') ?? findNul(req.body, 'body')
    if (where !== undefined) throw httpError(400, 'VALIDATION_ERROR', `${where}: the NUL character (U+0000) is not allowed in text`)
  })
}

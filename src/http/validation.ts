// Request validation: JSON bodies are checked strictly (a number is not a name), while the
// query string, path and headers, which are text by nature, are coerced to the schema's types.
import { Ajv, type Options } from 'ajv'
import * as addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'

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

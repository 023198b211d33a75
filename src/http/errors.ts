// One error shape for the whole API: { statusCode, code, error, message }.
// Expected failures are thrown with httpError; anything else is a 500 whose text is hidden.
import type { FastifyError, FastifyInstance } from 'fastify'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { storageHealth, type StorageHealth } from '../db/storage-health.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** whether the database is taking writes (/health reads it) */
    storageHealth: StorageHealth
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export class HttpError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message)
    this.name = 'HttpError'
  }
}

export function httpError (statusCode: number, code: string, message: string, details?: unknown): HttpError {
  return new HttpError(statusCode, code, message, details)
}

export const notFound = (what: string): HttpError => httpError(404, 'NOT_FOUND', `${what} not found`)

/** PostgreSQL error codes that are the client's fault, not ours. */
const PG_CLIENT_ERRORS: Record<string, [number, string, string]> = {
  23505: [409, 'CONFLICT', 'already exists'],
  23503: [422, 'REFERENCE_NOT_FOUND', 'refers to a record that does not exist'],
  23514: [422, 'CHECK_VIOLATION', 'a value is not allowed'],
  22001: [400, 'VALUE_TOO_LONG', 'a value is too long'],
  '22P02': [400, 'INVALID_VALUE', 'a value has the wrong format'],
  22007: [400, 'INVALID_VALUE', 'a date has the wrong format'],
  22008: [400, 'INVALID_VALUE', 'a date is out of range']
}

/** What a screen needs to say which field is wrong, and how, in its own words (never ajv's English). */
export interface ValidationDetails {
  /** body, querystring, params or headers */
  part: string
  /** the field's path inside the part: «extension», «phones/0»; '' for the whole part */
  field: string
  /** ajv's keyword: required, pattern, minLength, maxLength, format, type, enum, minimum, maximum, … */
  rule: string
  /** the keyword's bound (a length, a minimum) or the format's name, when it has one */
  limit?: number | string
}

interface AjvError { instancePath?: string, keyword?: string, params?: Record<string, unknown> }

export function validationDetails (part: string | undefined, e: AjvError | undefined): ValidationDetails {
  const path = (e?.instancePath ?? '').replace(/^\//, '')
  const missing = e?.params?.missingProperty
  const field = e?.keyword === 'required' && typeof missing === 'string' ? (path === '' ? missing : `${path}/${missing}`) : path
  const p = e?.params ?? {}
  const limit = p.limit ?? p.format ?? (e?.keyword === 'additionalProperties' ? p.additionalProperty : undefined)
  return {
    part: part ?? 'body',
    field,
    rule: e?.keyword ?? 'invalid',
    ...(typeof limit === 'number' || typeof limit === 'string' ? { limit } : {})
  }
}

/** `clock`: the service's, for how long ago writes last failed (/health). */
export function installErrorHandler (app: FastifyInstance, clock: () => Date): void {
  const storage = storageHealth(clock)
  app.decorate('storageHealth', storage)
  app.addHook('onResponse', async (req, reply) => {
    if (WRITES.has(req.method) && reply.statusCode < 400) storage.succeeded()
  })
  app.setErrorHandler((err: FastifyError & { details?: unknown, constraint?: string }, req, reply) => {
    if (err instanceof HttpError) {
      req.log.info({ code: err.code, statusCode: err.statusCode }, err.message)
      return reply.code(err.statusCode).send({ statusCode: err.statusCode, code: err.code, error: STATUS_CODES[err.statusCode], message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) })
    }
    if (err.validation !== undefined) {
      const message = `${err.validationContext ?? 'request'}${err.message.replace(/^(body|querystring|params|headers)/, '')}`
      req.log.info({ code: 'VALIDATION_ERROR' }, message)
      const details = validationDetails(err.validationContext, err.validation[0])
      return reply.code(400).send({ statusCode: 400, code: 'VALIDATION_ERROR', error: 'Bad Request', message, details })
    }
    const pgCode = typeof err.code === 'string' ? PG_CLIENT_ERRORS[err.code] : undefined
    if (pgCode !== undefined) {
      const [status, code, text] = pgCode
      const message = err.constraint !== undefined ? `${text} (${err.constraint})` : text
      req.log.info({ code, pgCode: err.code, constraint: err.constraint }, message)
      return reply.code(status).send({ statusCode: status, code, error: STATUS_CODES[status], message })
    }
    if (storage.failed(err)) {
      // a full disk or a database restart: nothing was stored, the same request may be sent again
      req.log.error({ err: err.message, pgCode: err.code }, 'request refused: the database cannot store it now')
      return reply.code(503).header('retry-after', '10').send({ statusCode: 503, code: 'STORAGE_UNAVAILABLE', error: STATUS_CODES[503], message: 'the database cannot store it now (the disk is full or the database is unreachable); nothing was saved, try again later' })
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
    if (status >= 500) {
      req.log.error({ err }, 'request failed')
      return reply.code(status).send({ statusCode: status, code: 'INTERNAL_ERROR', error: STATUS_CODES[status], message: 'internal error; the details are in the service log' })
    }
    // fastify's own 4xx (bad JSON, wrong content type, body too large, rate limit)
    req.log.info({ code: err.code }, err.message)
    return reply.code(status).send({ statusCode: status, code: err.code ?? 'BAD_REQUEST', error: STATUS_CODES[status], message: err.message })
  })
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ statusCode: 404, code: 'ROUTE_NOT_FOUND', error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` })
  })
}

/**
 * A request Node's HTTP parser refused before Fastify saw it (raw UTF-8 in the URL, a broken header
 * line, headers too large): answered in the API's error shape instead of Node's bare "Client Error".
 */
export function answerMalformedRequest (this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
  const [status, code, message] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'HEADERS_TOO_LARGE', 'the request headers are too large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time']
      : [400, 'MALFORMED_REQUEST', 'the request is not valid HTTP; characters outside ASCII in the URL must be percent-encoded (curl -G --data-urlencode \'q=…\')']
  this.log.info({ code, parserError: err.code }, message)
  const body = JSON.stringify({ statusCode: status, code, error: STATUS_CODES[status], message })
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
}

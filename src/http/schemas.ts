// Schemas shared by several route files.
import { Type } from 'typebox'

/** An instant in a response: a Date in code, an ISO 8601 string on the wire. */
export const DateTimeOut = Type.Unsafe<Date>({ type: 'string', format: 'date-time' })
export const NullableDateTimeOut = Type.Unsafe<Date | null>({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] })

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.Optional(Type.String()),
  message: Type.String()
}, { $id: 'ErrorBody' })

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) })

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  fullName: Type.String(),
  role: Type.Union([Type.Literal('specialist'), Type.Literal('head'), Type.Literal('auditor')]),
  extension: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: DateTimeOut
})

export const RoleSchema = Type.Union([Type.Literal('specialist'), Type.Literal('head'), Type.Literal('auditor')])
export const ExtensionSchema = Type.Union([Type.String({ pattern: '^[0-9]{2,10}$' }), Type.Null()])
export const Username = Type.String({ pattern: '^[a-z0-9._-]{2,64}$', description: 'lower-case latin letters, digits, dot, dash, underscore' })
export const Password = Type.String({ minLength: 8, maxLength: 200 })

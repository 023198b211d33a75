// The directory of participant organizations and their contacts, with search; `/api/contacts?phone=`
// identifies a caller by number in any spelling.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Contact, OrganizationsRepository } from '../db/organizations.repository.js'
import { ORGANIZATION_KINDS } from '../journal/index.js'
import { httpError } from './errors.js'
import { DateTimeOut, IdParams } from './schemas.js'
import { ErrorOut } from './entries.routes.js'

export interface OrganizationsRoutesOptions {
  organizations: OrganizationsRepository
  clock: () => Date
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Id = Type.Integer({ minimum: 1, maximum: 2147483647 })
const OrganizationKindSchema = Type.Enum([...ORGANIZATION_KINDS], {
  description: 'government_body = орган государственной власти, municipality = орган местного самоуправления, educational = образовательная организация, entrepreneur = индивидуальный предприниматель, other'
})
const Inn = Type.String({ pattern: '^([0-9]{10}|[0-9]{12})$', description: 'ИНН: 10 digits (organization) or 12 (entrepreneur)' })
const Name = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' })

const OrganizationSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: OrganizationKindSchema,
  inn: Nullable(Type.String()),
  note: Nullable(Type.String()),
  createdAt: DateTimeOut,
  updatedAt: DateTimeOut
})

const ContactSchema = Type.Object({
  id: Type.Integer(),
  fullName: Type.String(),
  phones: Type.Array(Type.String(), { description: 'normalized: digits, Russian numbers as 7XXXXXXXXXX' }),
  emails: Type.Array(Type.String()),
  organizationId: Nullable(Type.Integer()),
  organizationName: Nullable(Type.String()),
  position: Nullable(Type.String()),
  createdAt: DateTimeOut,
  updatedAt: DateTimeOut
})

const orgProps = {
  name: Name,
  kind: OrganizationKindSchema,
  inn: Type.Optional(Nullable(Inn)),
  note: Type.Optional(Nullable(Type.String({ maxLength: 5000 })))
}
const Phones = Type.Array(Type.String({ maxLength: 40, pattern: '[0-9]' }), { maxItems: 20, description: 'any spelling: «8 (3452) 290-256», «+7 3452 290256»' })
const Emails = Type.Array(Type.String({ format: 'email', maxLength: 320 }), { maxItems: 20 })
const contactProps = {
  fullName: Name,
  phones: Type.Optional(Phones),
  emails: Type.Optional(Emails),
  position: Type.Optional(Nullable(Type.String({ maxLength: 500 })))
}
const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }))
}
const Errors = { 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut }

export const organizationsRoutes: FastifyPluginAsyncTypebox<OrganizationsRoutesOptions> = async (app, { organizations, clock }) => {
  const tags = ['organizations']
  const duplicate = (name: string) => (err: { code?: string }) => {
    if (err.code === '23505') throw httpError(409, 'ORGANIZATION_EXISTS', `an organization named «${name.trim()}» is already in the directory`, { name: name.trim() })
    throw err
  }
  const unknownOrganization = (err: { code?: string }) => {
    if (err.code === '23503') throw httpError(422, 'ORGANIZATION_NOT_FOUND', 'the organization does not exist')
    throw err
  }
  const contactOr404 = (c: Contact | undefined, id: number): Contact => {
    if (c === undefined) throw httpError(404, 'CONTACT_NOT_FOUND', `contact ${id} not found`)
    return c
  }

  app.get('/api/organizations', {
    schema: {
      tags,
      summary: 'Search the directory by a part of the name (any case) or the ИНН',
      querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 200 })), kind: Type.Optional(OrganizationKindSchema), ...Paging }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(OrganizationSchema), total: Type.Integer() }), ...Errors }
    }
  }, async (req) => await organizations.search({ q: req.query.q, kind: req.query.kind, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 }))

  app.post('/api/organizations', {
    schema: { tags, body: Type.Object(orgProps, { additionalProperties: false }), response: { 201: OrganizationSchema, ...Errors } }
  }, async (req, reply) => reply.code(201).send(await organizations.create(req.body).catch(duplicate(req.body.name))))

  app.get('/api/organizations/:id', {
    schema: { tags, params: IdParams, response: { 200: OrganizationSchema, ...Errors } }
  }, async (req) => (await organizations.byId(req.params.id)) ?? Promise.reject(httpError(404, 'ORGANIZATION_NOT_FOUND', `organization ${req.params.id} not found`)))

  app.patch('/api/organizations/:id', {
    schema: {
      tags,
      params: IdParams,
      body: Type.Object({ name: Type.Optional(Name), kind: Type.Optional(OrganizationKindSchema), inn: orgProps.inn, note: orgProps.note }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: OrganizationSchema, ...Errors }
    }
  }, async (req) => {
    const o = await organizations.update(req.params.id, req.body, clock()).catch(duplicate(req.body.name ?? ''))
    if (o === undefined) throw httpError(404, 'ORGANIZATION_NOT_FOUND', `organization ${req.params.id} not found`)
    return o
  })

  app.get('/api/organizations/:id/contacts', {
    schema: { tags, params: IdParams, querystring: Type.Object(Paging, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(ContactSchema), total: Type.Integer() }), ...Errors } }
  }, async (req) => {
    if (await organizations.byId(req.params.id) === undefined) throw httpError(404, 'ORGANIZATION_NOT_FOUND', `organization ${req.params.id} not found`)
    return await organizations.searchContacts({ organizationId: req.params.id, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 })
  })

  app.post('/api/organizations/:id/contacts', {
    schema: { tags, params: IdParams, body: Type.Object(contactProps, { additionalProperties: false }), response: { 201: ContactSchema, ...Errors } }
  }, async (req, reply) => {
    if (await organizations.byId(req.params.id) === undefined) throw httpError(404, 'ORGANIZATION_NOT_FOUND', `organization ${req.params.id} not found`)
    return reply.code(201).send(await organizations.createContact({ ...req.body, organizationId: req.params.id }))
  })

  app.get('/api/contacts', {
    schema: {
      tags,
      summary: 'Contacts by a part of the name, a phone number in any spelling (who is calling), an e-mail or an organization',
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200 })),
        phone: Type.Optional(Type.String({ maxLength: 40 })),
        email: Type.Optional(Type.String({ maxLength: 320 })),
        organizationId: Type.Optional(Id),
        ...Paging
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(ContactSchema), total: Type.Integer() }), ...Errors }
    }
  }, async (req) => {
    const q = req.query
    return await organizations.searchContacts({ q: q.q, phone: q.phone, email: q.email, organizationId: q.organizationId, limit: q.limit ?? 50, offset: q.offset ?? 0 })
  })

  app.post('/api/contacts', {
    schema: { tags, body: Type.Object({ ...contactProps, organizationId: Type.Optional(Nullable(Id)) }, { additionalProperties: false }), response: { 201: ContactSchema, ...Errors } }
  }, async (req, reply) => reply.code(201).send(await organizations.createContact(req.body).catch(unknownOrganization)))

  app.get('/api/contacts/:id', {
    schema: { tags, params: IdParams, response: { 200: ContactSchema, ...Errors } }
  }, async (req) => contactOr404(await organizations.contactById(req.params.id), req.params.id))

  app.patch('/api/contacts/:id', {
    schema: {
      tags,
      params: IdParams,
      body: Type.Object({
        fullName: Type.Optional(Name), phones: Type.Optional(Phones), emails: Type.Optional(Emails),
        position: contactProps.position, organizationId: Type.Optional(Nullable(Id))
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: ContactSchema, ...Errors }
    }
  }, async (req) => contactOr404(await organizations.updateContact(req.params.id, req.body, clock()).catch(unknownOrganization), req.params.id))
}

// The directory of participant organizations (regulation, «Участник») and their contacts. Phones
// are stored normalized so the AMI pipeline can identify a caller by number (findByPhone).
import { sql } from 'kysely'
import type { Db } from './database.js'
import type { OrganizationKind } from '../journal/vocabulary.js'
import { normalizePhone } from '../journal/phone.js'

export interface Organization {
  id: number
  name: string
  kind: OrganizationKind
  inn: string | null
  note: string | null
  createdAt: Date
  updatedAt: Date
}

export interface NewOrganization { name: string, kind: OrganizationKind, inn?: string | null, note?: string | null }
export type OrganizationChanges = Partial<NewOrganization>

export interface Contact {
  id: number
  fullName: string
  phones: string[]
  emails: string[]
  organizationId: number | null
  organizationName: string | null
  position: string | null
  createdAt: Date
  updatedAt: Date
}

export interface NewContact {
  fullName: string
  phones?: string[]
  emails?: string[]
  organizationId?: number | null
  position?: string | null
}
export type ContactChanges = Partial<NewContact>

export interface Page<T> { items: T[], total: number }

const orgColumns = ['id', 'name', 'kind', 'inn', 'note', 'created_at', 'updated_at'] as const

function toOrganization (r: { id: number, name: string, kind: OrganizationKind, inn: string | null, note: string | null, created_at: Date, updated_at: Date }): Organization {
  return { id: r.id, name: r.name, kind: r.kind, inn: r.inn, note: r.note, createdAt: r.created_at, updatedAt: r.updated_at }
}

interface ContactRow {
  id: number
  full_name: string
  phones: string[]
  emails: string[]
  organization_id: number | null
  organization_name: string | null
  position: string | null
  created_at: Date
  updated_at: Date
}

function toContact (r: ContactRow): Contact {
  return {
    id: r.id, fullName: r.full_name, phones: r.phones, emails: r.emails, organizationId: r.organization_id,
    organizationName: r.organization_name, position: r.position, createdAt: r.created_at, updatedAt: r.updated_at
  }
}

/** Normalized, without duplicates or blanks. */
function normalizePhones (phones: readonly string[]): string[] {
  return [...new Set(phones.map(normalizePhone).filter((p): p is string => p !== null))]
}
function normalizeEmails (emails: readonly string[]): string[] {
  return [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))]
}

/** `%` and `_` are literal in a user's search text. */
const likePattern = (q: string): string => `%${q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export function organizationsRepository (db: Db) {
  const contacts = () => db.selectFrom('contact as c').leftJoin('organization as o', 'o.id', 'c.organization_id')
    .select(['c.id', 'c.full_name', 'c.phones', 'c.emails', 'c.organization_id', 'o.name as organization_name', 'c.position', 'c.created_at', 'c.updated_at'])

  const contactById = async (id: number): Promise<Contact | undefined> => {
    const row = await contacts().where('c.id', '=', id).executeTakeFirst()
    return row === undefined ? undefined : toContact(row)
  }

  return {
    create: async (o: NewOrganization): Promise<Organization> =>
      toOrganization(await db.insertInto('organization')
        .values({ name: o.name.trim(), kind: o.kind, inn: o.inn ?? null, note: o.note ?? null })
        .returning(orgColumns).executeTakeFirstOrThrow()),

    byId: async (id: number): Promise<Organization | undefined> => {
      const row = await db.selectFrom('organization').select(orgColumns).where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toOrganization(row)
    },

    /** Same name whatever the letter case. */
    byName: async (name: string): Promise<Organization | undefined> => {
      const row = await db.selectFrom('organization').select(orgColumns).where(sql<string>`lower(name)`, '=', name.trim().toLowerCase()).executeTakeFirst()
      return row === undefined ? undefined : toOrganization(row)
    },

    update: async (id: number, c: OrganizationChanges, now: Date): Promise<Organization | undefined> => {
      const row = await db.updateTable('organization').set({
        ...(c.name !== undefined ? { name: c.name.trim() } : {}),
        ...(c.kind !== undefined ? { kind: c.kind } : {}),
        ...(c.inn !== undefined ? { inn: c.inn } : {}),
        ...(c.note !== undefined ? { note: c.note } : {}),
        updated_at: now
      }).where('id', '=', id).returning(orgColumns).executeTakeFirst()
      return row === undefined ? undefined : toOrganization(row)
    },

    /** By a part of the name (any case) or the exact ИНН; names in order. */
    search: async (f: { q?: string, kind?: OrganizationKind, limit: number, offset: number }): Promise<Page<Organization>> => {
      const base = db.selectFrom('organization')
        .$if(f.q !== undefined && f.q.trim() !== '', (qb) => qb.where((eb) => eb.or([
          eb('name', 'ilike', likePattern(f.q!)),
          eb('inn', '=', f.q!.trim())
        ])))
        .$if(f.kind !== undefined, (qb) => qb.where('kind', '=', f.kind!))
      const [rows, count] = await Promise.all([
        base.select(orgColumns).orderBy(sql`lower(name)`).orderBy('id').limit(f.limit).offset(f.offset).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      ])
      return { items: rows.map(toOrganization), total: Number(count.n) }
    },

    createContact: async (c: NewContact): Promise<Contact> => {
      const { id } = await db.insertInto('contact').values({
        full_name: c.fullName.trim(),
        phones: normalizePhones(c.phones ?? []),
        emails: normalizeEmails(c.emails ?? []),
        organization_id: c.organizationId ?? null,
        position: c.position ?? null
      }).returning('id').executeTakeFirstOrThrow()
      return (await contactById(id))!
    },

    contactById,

    updateContact: async (id: number, c: ContactChanges, now: Date): Promise<Contact | undefined> => {
      const row = await db.updateTable('contact').set({
        ...(c.fullName !== undefined ? { full_name: c.fullName.trim() } : {}),
        ...(c.phones !== undefined ? { phones: normalizePhones(c.phones) } : {}),
        ...(c.emails !== undefined ? { emails: normalizeEmails(c.emails) } : {}),
        ...(c.organizationId !== undefined ? { organization_id: c.organizationId } : {}),
        ...(c.position !== undefined ? { position: c.position } : {}),
        updated_at: now
      }).where('id', '=', id).returning('id').executeTakeFirst()
      return row === undefined ? undefined : await contactById(id)
    },

    /** Contacts by a part of the name, a phone (any spelling), an e-mail or an organization. */
    searchContacts: async (f: { q?: string, phone?: string, email?: string, organizationId?: number, limit: number, offset: number }): Promise<Page<Contact>> => {
      const phone = f.phone === undefined ? undefined : normalizePhone(f.phone)
      const base = contacts()
        .$if(f.q !== undefined && f.q.trim() !== '', (qb) => qb.where('c.full_name', 'ilike', likePattern(f.q!)))
        .$if(f.phone !== undefined, (qb) => qb.where('c.phones', '@>', sql<string[]>`array[${phone ?? ''}]::text[]`))
        .$if(f.email !== undefined, (qb) => qb.where('c.emails', '@>', sql<string[]>`array[${f.email!.trim().toLowerCase()}]::text[]`))
        .$if(f.organizationId !== undefined, (qb) => qb.where('c.organization_id', '=', f.organizationId!))
      const [rows, count] = await Promise.all([
        base.orderBy(sql`lower(c.full_name)`).orderBy('c.id').limit(f.limit).offset(f.offset).execute(),
        base.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      ])
      return { items: rows.map(toContact), total: Number(count.n) }
    },

    /** Who calls from this number (the AMI pipeline identifies a caller with it); most recently updated first. */
    findByPhone: async (number: string): Promise<Contact[]> => {
      const phone = normalizePhone(number)
      if (phone === null) return []
      return (await contacts().where('c.phones', '@>', sql<string[]>`array[${phone}]::text[]`)
        .orderBy('c.updated_at', 'desc').orderBy('c.id', 'desc').execute()).map(toContact)
    },

    /** Who calls from any of these numbers, in one read (each contact once; the caller picks by number); most recently updated first. */
    findByPhones: async (numbers: readonly string[]): Promise<Contact[]> => {
      const phones = [...new Set(numbers.map(normalizePhone).filter((p): p is string => p !== null))]
      if (phones.length === 0) return []
      return (await contacts().where('c.phones', '&&', sql<string[]>`array[${sql.join(phones)}]::text[]`)
        .orderBy('c.updated_at', 'desc').orderBy('c.id', 'desc').execute()).map(toContact)
    },

    /** Contacts with this address (stored lower-cased), the latest edited first. */
    findByEmail: async (email: string): Promise<Contact[]> => {
      const [address] = normalizeEmails([email])
      if (address === undefined) return []
      return (await contacts().where('c.emails', '@>', sql<string[]>`array[${address}]::text[]`)
        .orderBy('c.updated_at', 'desc').orderBy('c.id', 'desc').execute()).map(toContact)
    }
  }
}

export type OrganizationsRepository = ReturnType<typeof organizationsRepository>

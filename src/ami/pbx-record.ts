// The PBX's own call records in our terms: rows of cdr_pgsql (table pbx_cdr) and the userfield the
// dialplan writes into every record ('status=<HD_STATUS> tz=<UTC offset>', dialplan/extensions.conf),
// and the PBX's local times of the AMI Cdr event read in the PBX's zone.
// Shapes: test/fixtures/ami-dialplan (real Cdr events of Asterisk 22) and migrations/0030_pbx_cdr.sql.
import { DateTime, FixedOffsetZone } from 'luxon'
import type { PbxRecord } from '../calls/pbx-record.js'
import type { PbxCdrRow } from '../db/pbx-cdr.repository.js'

/** What the dialplan wrote into the record's userfield. */
export interface RecordNote {
  /** HD_STATUS: open or a reject reason (decisionOf() maps it) */
  status: string | null
  /** the PBX's UTC offset when the call was decided, in minutes (+300 for Tyumen) */
  offsetMinutes: number | null
}

/** 'status=closed tz=+0500' → { status: 'closed', offsetMinutes: 300 }; anything else → nulls. */
export function readUserfield (v: string | null | undefined): RecordNote {
  const text = (v ?? '').trim()
  const status = /(?:^|\s)status=([a-z-]+)(?:\s|$)/i.exec(text)?.[1]?.toLowerCase() ?? null
  const tz = /(?:^|\s)tz=([+-])(\d{2})(\d{2})(?:\s|$)/.exec(text)
  const offsetMinutes = tz === null ? null : (tz[1] === '-' ? -1 : 1) * (Number(tz[2]) * 60 + Number(tz[3]))
  return { status, offsetMinutes: offsetMinutes !== null && Math.abs(offsetMinutes) <= 14 * 60 ? offsetMinutes : null }
}

export interface PbxZone {
  /** PBX_TIME_ZONE (IANA), when configured: wins */
  zone?: string
  /** the offset the record itself carries (the userfield's tz) */
  offsetMinutes?: number | null
  /** last resort: the zone of the center (a PBX in the region runs on its local time) */
  fallback: string
}

/**
 * A PBX local time 'YYYY-MM-DD HH:MM:SS' (how Asterisk writes Cdr times: in its host's zone) → the
 * instant. The configured zone first (exact across DST), else the offset the record carries, else the
 * fallback zone. Empty → null.
 */
export function pbxLocalTime (v: string | undefined, zone: PbxZone): Date | null {
  if (v === undefined || v.trim() === '') return null
  const z = zone.zone ?? (zone.offsetMinutes != null ? FixedOffsetZone.instance(zone.offsetMinutes) : zone.fallback)
  const dt = DateTime.fromFormat(v.trim(), 'yyyy-MM-dd HH:mm:ss', { zone: z })
  return dt.isValid ? dt.toJSDate() : null
}

const DISPOSITION: Record<string, PbxRecord['disposition']> = {
  ANSWERED: 'answered',
  'NO ANSWER': 'no-answer',
  BUSY: 'busy',
  FAILED: 'failed',
  CONGESTION: 'failed'
}

/** A CDR disposition as Asterisk spells it → ours (undefined: not one we know). */
export function dispositionOf (v: string | null | undefined): PbxRecord['disposition'] | undefined {
  return DISPOSITION[(v ?? '').trim().toUpperCase()]
}

/** The phone of a dialled channel: `PJSIP/101-0000002a` → '101', `Local/101@specialists-…;1` → '101'. */
export function channelExtension (channel: string | null | undefined): string | null {
  if (channel == null) return null
  const m = /^[A-Za-z0-9]+\/([^@/;-]+)(?:@[^;]*)?-[0-9a-f]+(?:;\d)?$/.exec(channel.trim())
  return m === null ? null : m[1]!
}

function epoch (v: number | null): Date | null {
  return v === null || !Number.isFinite(v) || v <= 0 ? null : new Date(Math.round(v * 1000))
}

/**
 * cdr_pgsql's rows → records (one per row; rows it cannot read are left out and counted). The
 * decision comes from the userfield; `decisionOf` maps HD_STATUS as the live events do.
 */
export function recordsFromRows (rows: readonly PbxCdrRow[], decisionOf: (raw: string) => string | null): { records: PbxRecord[], unreadable: number } {
  const records: PbxRecord[] = []
  let unreadable = 0
  for (const row of rows) {
    const startedAt = epoch(row.start)
    const endedAt = epoch(row.end)
    const disposition = dispositionOf(row.disposition)
    const linkedId = (row.linkedid ?? '').trim() === '' ? row.uniqueid : row.linkedid!
    if (startedAt === null || endedAt === null || disposition === undefined || linkedId.trim() === '') { unreadable++; continue }
    const note = readUserfield(row.userfield)
    records.push({
      linkedId,
      callerNumber: nonEmpty(row.src),
      dialled: nonEmpty(row.dst),
      startedAt,
      answeredAt: epoch(row.answer),
      endedAt,
      extension: channelExtension(row.dstchannel),
      disposition,
      decision: note.status === null ? null : decisionOf(note.status)
    })
  }
  return { records, unreadable }
}

function nonEmpty (v: string | null): string | null {
  return v === null || v.trim() === '' || v.trim() === '<unknown>' ? null : v.trim()
}

// The PBX's durable records for tests: the rows cdr_pgsql would have written for a recorded call,
// built from the real Cdr events of fixtures/ami-dialplan (same fields; cdr_manager and cdr_pgsql
// format the same CDR). The lab PBX's clock was UTC, so its local Cdr times are read as UTC here.
// The recordings predate the userfield: a test passes what the dialplan now writes into it.
import path from 'node:path'
import { DateTime } from 'luxon'
import { FIXTURES_DIR, loadTranscript } from '../../src/ami/simulator.js'
import type { PbxCdrRow } from '../../src/db/pbx-cdr.repository.js'
import type { Db } from '../../src/db/database.js'

export const DIALPLAN_FIXTURES = path.join(FIXTURES_DIR, '..', 'ami-dialplan')

function fields (text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(': ')
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 2)
    else if (line.endsWith(':')) out[line.slice(0, -1)] = ''
  }
  return out
}

const epoch = (local: string, zone: string): number | null =>
  local === '' ? 0 : DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm:ss', { zone }).toMillis() / 1000

/** The scenario's Cdr events as cdr_pgsql rows (linkedid = the inbound channel's UniqueID). */
export function cdrRows (scenario: string, userfield: string, zone = 'UTC'): PbxCdrRow[] {
  const tr = loadTranscript(scenario, path.join(DIALPLAN_FIXTURES, scenario))
  return tr.blocks.filter((b) => b.head === 'Event: Cdr').map((b) => {
    const f = fields(b.bytes.toString('utf8'))
    return {
      start: epoch(f.StartTime!, zone)!,
      answer: epoch(f.AnswerTime ?? '', zone),
      end: epoch(f.EndTime!, zone)!,
      clid: f.CallerID ?? null,
      src: f.Source ?? null,
      dst: f.Destination ?? null,
      dcontext: f.DestinationContext ?? null,
      channel: f.Channel ?? null,
      dstchannel: f.DestinationChannel ?? null,
      lastapp: f.LastApplication ?? null,
      lastdata: f.LastData ?? null,
      duration: Number(f.Duration),
      billsec: Number(f.BillableSeconds),
      disposition: f.Disposition ?? null,
      amaflags: f.AMAFlags ?? null,
      accountcode: f.AccountCode ?? null,
      uniqueid: f.UniqueID!,
      linkedid: f.UniqueID!,
      userfield,
      peeraccount: null,
      sequence: null
    }
  })
}

/** Inserts rows as the PBX's cdr_pgsql does (INSERT only). */
export async function insertCdrRows (db: Db, rows: readonly PbxCdrRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('pbx_cdr').values([...rows]).execute()
}

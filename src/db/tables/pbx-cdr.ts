// Kysely types of migrations/0030_pbx_cdr.sql (the PBX's own rows, written by cdr_pgsql).
export interface PbxCdrTable {
  start: number
  answer: number | null
  end: number
  clid: string | null
  src: string | null
  dst: string | null
  dcontext: string | null
  channel: string | null
  dstchannel: string | null
  lastapp: string | null
  lastdata: string | null
  duration: number | null
  billsec: number | null
  disposition: string | null
  amaflags: string | null
  accountcode: string | null
  uniqueid: string
  linkedid: string | null
  userfield: string | null
  peeraccount: string | null
  sequence: number | null
}

export interface PbxCdrTables {
  pbx_cdr: PbxCdrTable
}

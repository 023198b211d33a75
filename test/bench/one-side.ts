// One side of the load bench alone (profiling): LOAD_SIDE=pglite|pg|bare [LOAD_INSTANCES=2 LOAD_PG_URL=…] npx tsx test/bench/one-side.ts
import { runLoad } from './load.js'
const side = process.env.LOAD_SIDE ?? 'pglite'
const r = await runLoad({ calls: Number(process.env.LOAD_CALLS ?? 150), rate: 50, clients: 200, floodCalls: Number(process.env.LOAD_FLOOD ?? 400), instances: Number(process.env.LOAD_INSTANCES ?? 1), bare: side === 'bare', databaseUrl: side === 'pg' ? process.env.LOAD_PG_URL : undefined, epoch: 1_900_000_000, log: console.log })
console.log(JSON.stringify({ p50: r.popup.p50, p99: r.popup.p99, flood: r.flood.eventsPerSecond }))

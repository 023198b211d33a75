// The bench's year on PostgreSQL: 36 000 entries (100 a day from 1 January 2026) and 40 000 calls
// (one every 13 minutes), all by one specialist; analyzed.
import { sql } from 'kysely'
import type { Db } from '../../src/db/database.js'

export async function seedStatisticsYear (db: Db, by: number): Promise<void> {
  await sql`
    insert into journal_entry (registered_on, year, number, type, description, organization_name, contact_text, additional_info, status,
                               resolved_on, resolved_at, resolved_by, channel, module, registered_at, registered_by, due_at, note)
    select d, 2026, g, (array['support','support','support','error','improvement'])[1 + g % 5],
           'Запрос № ' || g || ': не сохраняется карточка программы в Навигаторе после изменения расписания занятий и сведений о педагоге',
           'МАОУ СОШ № ' || (1 + g % 90) || ' г. Тюмени', 'Петрова Ольга Ивановна, +7 (912) 345-' || lpad((g % 100)::text, 2, '0') || '-00',
           case when g % 3 = 0 then 'Скриншот ошибки приложен к письму' end,
           case when g % 4 = 0 then 'in_progress' else 'resolved' end,
           case when g % 4 <> 0 then d + 1 end, case when g % 4 <> 0 then (d + 1) + time '15:00' - interval '5 hours' end, case when g % 4 <> 0 then ${by}::int end,
           (array['phone','phone','email','walk_in'])[1 + g % 4], (array['navigator','talents','paid_services','other'])[1 + g % 4],
           d + time '10:00' - interval '5 hours', ${by}::int, d + 7 + time '17:00' - interval '5 hours',
           case when g % 7 = 0 then 'Перезвонить после обновления' end
      from generate_series(1, 36000) g, lateral (select date '2026-01-01' + ((g - 1) / 100) as d) x
     where extract(isodow from date '2026-01-01' + ((g - 1) / 100)) < 6 or true`.execute(db)
  await sql`
    insert into call (linked_id, caller_number, dialled, state, arrived_at, answered_at, ended_at, answered_by_user_id, outcome, reject_reason, legs)
    select 'b-' || g, '7912' || lpad((g % 5000)::text, 7, '0'), '73452290256', 'ended', a,
           case when g % 10 < 6 then a + make_interval(secs => 5 + g % 40) end,
           a + make_interval(secs => 60 + g % 600), case when g % 10 < 6 then ${by}::int end,
           (array['answered','answered','answered','answered','answered','answered','no-answer','busy','abandoned','rejected'])[1 + g % 10],
           case when g % 10 = 9 then (array['lunch','after-hours','weekend'])[1 + g % 3] end, '{}'
      from generate_series(1, 40000) g, lateral (select timestamptz '2026-01-01 04:00Z' + make_interval(mins => g * 13) as a) x`.execute(db)
  await sql`analyze`.execute(db)
}

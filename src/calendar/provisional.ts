// A year with no decree entered yet: Labour Code art. 112 (fixed holidays; a holiday falling on a
// weekend moves the day off to the next working day, except the New Year holidays and Christmas)
// and art. 95 (the working day before a holiday is one hour shorter). Flagged unconfirmed.
import { DateTime } from 'luxon'
import type { DayRule, IsoDate, YearCalendar } from './types.js'

const NEW_YEAR = ['01-01', '01-02', '01-03', '01-04', '01-05', '01-06', '01-07', '01-08']
const OTHER_HOLIDAYS = ['02-23', '03-08', '05-01', '05-09', '06-12', '11-04']

const cache = new Map<number, YearCalendar>()

export function provisionalYear (year: number): YearCalendar {
  let cal = cache.get(year)
  if (!cal) cache.set(year, cal = buildProvisionalYear(year))
  return cal
}

function buildProvisionalYear (year: number): YearCalendar {
  const date = (mmdd: string): IsoDate => `${year}-${mmdd}`
  const holidays = [...NEW_YEAR, ...OTHER_HOLIDAYS].map(date)
  const daysOff = new Set(holidays)
  for (const holiday of OTHER_HOLIDAYS.map(date)) {
    if (!isWeekend(holiday)) continue
    let d = next(holiday)
    while (isWeekend(d) || daysOff.has(d)) d = next(d)
    daysOff.add(d)
  }
  const days = new Map<IsoDate, DayRule>()
  const comment = 'provisional: Labour Code art. 112'
  for (const d of [...daysOff].sort()) days.set(d, { kind: 'holiday', comment })
  // art. 95: the working day immediately before a non-working holiday (1 January of next year included)
  for (const holiday of [...holidays, `${year + 1}-01-01`]) {
    const eve = previous(holiday)
    if (eve.startsWith(String(year)) && !isWeekend(eve) && !daysOff.has(eve)) {
      days.set(eve, { kind: 'shortened', comment: 'provisional: Labour Code art. 95' })
    }
  }
  return {
    year,
    confirmed: false,
    source: `Предварительный: постановление Правительства РФ о переносе выходных дней в ${year} году не внесено; ` +
      'применены ст. 112 (праздничные дни) и ст. 95 (сокращённые предпраздничные дни) Трудового кодекса РФ',
    days
  }
}

const parse = (d: IsoDate): DateTime => DateTime.fromISO(d, { zone: 'UTC' })
const isWeekend = (d: IsoDate): boolean => parse(d).weekday >= 6
const next = (d: IsoDate): IsoDate => parse(d).plus({ days: 1 }).toISODate()!
const previous = (d: IsoDate): IsoDate => parse(d).minus({ days: 1 }).toISODate()!

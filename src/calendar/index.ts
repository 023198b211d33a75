// The working calendar's public surface: what the journal, calls, e-mail and the HTTP layer import.
export type * from './types.js'
export { DAY_KINDS } from './types.js'
export { describeDay, isWorkingDay, dateOf, addDays, yearCalendar, openIntervals } from './days.js'
export { provisionalYear } from './provisional.js'
export { scheduleState, stateReason, stateUntil, isOpen, nextOpening, nextClosing, type ScheduleState } from './schedule.js'
export {
  DEFAULT_DEADLINE_DAYS, registrationDate, nextWorkingDate, addWorkingDays, closingTime, baseDue, dueAt, isOverdue,
  workingTimeBetween, addWorkingTime, type Pause, type Extension, type DeadlineInput
} from './working-days.js'
export {
  OFFICIAL_YEARS, DEFAULT_SCHEDULE_JSON, WEEKDAY_KEYS, parseSchedule, scheduleToJson, parseSpan, spanToJson,
  parseTime, formatTime, yearFromData, yearDays, defaultSchedule, buildCalendar, defaultCalendar,
  type ScheduleJson, type SpanJson, type OfficialYearData, type WeekdayKey, type Parsed
} from './data.js'

// Which AMI write classes allow which action, as Asterisk 22 registers them (main/manager.c,
// main/db.c; see test/fixtures/ami-dialplan/README.md): an action is allowed when the account's
// `write` holds any one of its classes, or when it has none. The simulator enforces this table, and
// test/ami/privileges.test.ts checks that dialplan/manager.conf grants every action the service sends
// and none of the dangerous ones.

export const ACTION_CLASSES: Readonly<Record<string, readonly string[]>> = {
  login: [], logoff: [], ping: [], events: [], challenge: [],
  // the service's own actions
  setvar: ['call'], // with no Channel: a global variable (the PBX state)
  status: ['system', 'call', 'reporting'],
  coreshowchannels: ['system', 'reporting'],
  devicestatelist: ['call', 'reporting'], // res_manager_devicestate: the phones' registration after a (re)connect
  // not used by the service
  corestatus: ['system', 'reporting'],
  coresettings: ['system', 'reporting'],
  getvar: ['call', 'reporting'],
  dbget: ['system', 'reporting'],
  dbgettree: ['system', 'reporting'],
  dbput: ['system'],
  dbdel: ['system'],
  dbdeltree: ['system'],
  hangup: ['system', 'call'],
  redirect: ['call'],
  getconfig: ['system', 'config'],
  getconfigjson: ['system', 'config'],
  updateconfig: ['config'],
  createconfig: ['config'],
  listcategories: ['config'],
  reload: ['system', 'config'],
  command: ['command'],
  originate: ['originate'],
  moduleload: ['system'],
  modulecheck: ['system'],
  pjsipshowcontacts: ['system'],
  pjsipshowendpoints: ['system'],
  pjsipshowendpoint: ['system']
}

/** `write = call,reporting` → ['call', 'reporting'] ('all' stays 'all'). */
export function classList (value: string): string[] {
  return value.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '')
}

/** Whether an account with these write classes may send the action (unknown actions: undefined). */
export function mayWrite (action: string, writeClasses: readonly string[]): boolean | undefined {
  const needs = ACTION_CLASSES[action.toLowerCase()]
  if (needs === undefined) return undefined
  if (needs.length === 0 || writeClasses.includes('all')) return true
  return needs.some((c) => writeClasses.includes(c))
}

import t from 'tap'
import {
  activeTimeline,
  byValidTime,
  DomainError,
  decideOnTimeline,
  type RetractFact,
  retractedEventIdOf,
  type TimelineDecider,
  type TimelineEntry,
  timelineRules,
} from '../src/index.ts'

// A lamp: the smallest aggregate with a lifecycle, so the engine is tested apart from any domain.
type LampEvent =
  | { type: 'Installed'; data: { lampId: string } }
  | { type: 'SwitchedOn'; data: { lampId: string } }
  | { type: 'SwitchedOff'; data: { lampId: string } }
  | { type: 'Retracted'; data: { lampId: string; retractedEventId: string; reason: string } }
type Lamp = { recorded: false } | { recorded: true; on: boolean; switches: number }
type LampCommand = { type: 'Install' } | { type: 'SwitchOn' } | { type: 'SwitchOff' } | { type: 'Blink' }

const rules = { installedTwice: 'installed-twice', alreadyOn: 'already-on', alreadyOff: 'already-off' }

/** A lamp decider that records the state each `decide` was given. */
function lamp() {
  const judged: Lamp[] = []
  const ev = (type: 'Installed' | 'SwitchedOn' | 'SwitchedOff'): LampEvent => ({ type, data: { lampId: 'l1' } })
  const decider: TimelineDecider<LampCommand, LampEvent, Lamp> = {
    initialState: { recorded: false },
    evolve: (state, event) => {
      if (event.type === 'Installed') return { recorded: true, on: false, switches: 0 }
      if (!state.recorded || event.type === 'Retracted') return state
      return { recorded: true, on: event.type === 'SwitchedOn', switches: state.switches + 1 }
    },
    decide: (command, state) => {
      judged.push(state)
      if (command.type === 'Install') return [ev('Installed')]
      if (!state.recorded) throw new DomainError('lamp-not-found', 'no lamp', 'not-found')
      if (command.type === 'Blink') return [ev('SwitchedOn'), ev('SwitchedOff')]
      return [ev(command.type === 'SwitchOn' ? 'SwitchedOn' : 'SwitchedOff')]
    },
    check: (state, event) => {
      if (event.type === 'Installed') {
        if (state.recorded) throw new DomainError(rules.installedTwice, 'already installed', 'conflict')
        return
      }
      if (!state.recorded || event.type === 'Retracted') return
      if (event.type === 'SwitchedOn' && state.on) throw new DomainError(rules.alreadyOn, 'it is on')
      if (event.type === 'SwitchedOff' && !state.on) throw new DomainError(rules.alreadyOff, 'it is off')
    },
    retract: (command, target) => ({
      type: 'Retracted',
      data: {
        lampId: 'l1',
        retractedEventId: command.data.eventId,
        reason: `${command.data.reason} (${target.eventType})`,
      },
    }),
  }
  return { decider, judged, ev }
}

const entry = (version: number, effectiveDate: string, event: LampEvent): TimelineEntry<LampEvent> => ({
  event,
  eventId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
  eventType: event.type,
  effectiveDate,
  streamVersion: version,
})
const idOf = (version: number) => `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`
const retraction = (version: number, effectiveDate: string, target: number) =>
  entry(version, effectiveDate, {
    type: 'Retracted',
    data: { lampId: 'l1', retractedEventId: idOf(target), reason: 'mistake' },
  })
const retractFact = (target: string): RetractFact => ({
  type: 'RetractFact',
  data: { eventId: target, reason: 'mistake' },
})

/** The DomainError `fn` throws; anything else, or no refusal, fails the test. */
function refusal(fn: () => unknown): DomainError {
  try {
    fn()
  } catch (error) {
    if (error instanceof DomainError) return error
    throw error
  }
  throw new Error('accepted where a refusal was expected')
}

t.test('a command is judged against the state as of its date', async (t) => {
  const { decider, judged, ev } = lamp()
  const history = [entry(1, '2020-01-01', ev('Installed')), entry(2, '2022-01-01', ev('SwitchedOn'))]
  const decided = decideOnTimeline(decider, history, { type: 'Blink' }, '2021-01-01')
  t.same(judged, [{ recorded: true, on: false, switches: 0 }], 'the switch-on of 2022 is not yet in force in 2021')
  t.same(
    decided,
    [
      { event: ev('SwitchedOn'), effectiveDate: '2021-01-01' },
      { event: ev('SwitchedOff'), effectiveDate: '2021-01-01' },
    ],
    'its events take its date',
  )
})

t.test('a fact on a date already taken goes after the facts recorded on it', async (t) => {
  const { decider, judged, ev } = lamp()
  const history = [entry(1, '2020-01-01', ev('Installed')), entry(2, '2022-01-01', ev('SwitchedOn'))]
  const error = refusal(() => decideOnTimeline(decider, history, { type: 'SwitchOn' }, '2022-01-01'))
  t.equal(error.code, rules.alreadyOn, 'the same-day switch-on is already in force')
  t.equal(error.details, undefined, 'a fact that breaks a rule itself names no other fact')
  t.same(judged, [{ recorded: true, on: true, switches: 1 }])
})

t.test('every later fact is checked again with the new one in place', async (t) => {
  const { decider, ev } = lamp()
  const history = [
    entry(1, '2020-01-01', ev('Installed')),
    entry(2, '2022-01-01', ev('SwitchedOn')),
    entry(3, '2023-01-01', ev('SwitchedOff')),
  ]
  const error = refusal(() => decideOnTimeline(decider, history, { type: 'SwitchOn' }, '2021-06-01'))
  t.equal(error.code, rules.alreadyOn, 'the rule that breaks is named')
  t.equal(error.kind, 'rule')
  t.same(error.details, {
    breaksAt: { eventId: idOf(2), type: 'SwitchedOn', effectiveDate: '2022-01-01', streamVersion: 2 },
  })
  t.match(error.message, /with a fact dated 2021-06-01, the SwitchedOn dated 2022-01-01 \(version 2\)/, 'and where')
  t.same(
    decideOnTimeline(decider, history, { type: 'SwitchOn' }, '2023-06-01').map((decided) => decided.event),
    [ev('SwitchedOn')],
    'after the last fact nothing later is checked',
  )
  const blink = decideOnTimeline(decider, history, { type: 'Blink' }, '2021-06-01')
  t.same(
    blink.map((decided) => decided.event.type),
    ['SwitchedOn', 'SwitchedOff'],
    'a command whose events leave the state as it was fits before later facts',
  )
})

t.test('the events of one command are checked one after the other', async (t) => {
  const { decider, ev } = lamp()
  const history = [entry(1, '2020-01-01', ev('Installed')), entry(2, '2021-01-01', ev('SwitchedOn'))]
  t.equal(refusal(() => decideOnTimeline(decider, history, { type: 'Blink' }, '2021-06-01')).code, rules.alreadyOn)
  t.same(decideOnTimeline(decider, [history[0] as TimelineEntry<LampEvent>], { type: 'Blink' }, '2021-06-01').length, 2)
})

t.test('a later conflict keeps its kind; a later not-found is a rule broken', async (t) => {
  const { decider, ev } = lamp()
  const conflicting: TimelineDecider<LampCommand, LampEvent, Lamp> = {
    ...decider,
    check: (state, event, date) => {
      if (event.type === 'SwitchedOff' && date === '2023-01-01' && state.recorded && state.switches > 1) {
        throw new DomainError('too-many', 'worn out', 'not-found')
      }
      decider.check(state, event, date)
    },
  }
  const history = [entry(1, '2020-01-01', ev('Installed')), entry(2, '2023-01-01', ev('SwitchedOff'))]
  const error = refusal(() => decideOnTimeline(conflicting, history, { type: 'Blink' }, '2021-01-01'))
  t.equal(error.code, 'too-many')
  t.equal(error.kind, 'rule', 'a fact that is there is never reported as not found')
  const installedAgain = [entry(1, '2020-01-01', ev('Installed'))]
  const twice = refusal(() => decideOnTimeline(decider, installedAgain, { type: 'Install' }, '2021-01-01'))
  t.equal(twice.code, rules.installedTwice)
  t.equal(twice.kind, 'conflict')
})

t.test('nothing is dated before the aggregate is recorded', async (t) => {
  const { decider, judged, ev } = lamp()
  const history = [entry(1, '2020-03-01', ev('Installed'))]
  const error = refusal(() => decideOnTimeline(decider, history, { type: 'SwitchOn' }, '2020-02-28'))
  t.equal(error.code, timelineRules.datedBeforeCreation)
  t.match(error.message, /recorded from 2020-03-01/)
  t.same(judged, [], 'the command is not even judged')
  t.equal(
    refusal(() => decideOnTimeline(decider, [], { type: 'SwitchOn' }, '2020-02-28')).code,
    'lamp-not-found',
    'an aggregate never recorded is the decider’s to refuse',
  )
  const dormantFirst = [
    entry(1, '2020-03-01', ev('Installed')),
    entry(2, '2021-01-01', ev('SwitchedOn')),
    retraction(3, '2020-03-01', 1),
    entry(4, '2022-01-01', ev('Installed')),
  ]
  t.match(
    refusal(() => decideOnTimeline(decider, dormantFirst, { type: 'SwitchOn' }, '2020-06-01')).message,
    /recorded from 2022-01-01/,
    'the date named is the recording’s, not that of a fact left dormant before it',
  )
})

t.test('a command other than a retraction needs a date', async (t) => {
  const { decider } = lamp()
  t.throws(() => decideOnTimeline(decider, [], { type: 'Install' }, undefined), /needs an effective date/)
})

t.test('retractions', async (t) => {
  const { decider, ev } = lamp()
  const history = [
    entry(1, '2020-01-01', ev('Installed')),
    entry(2, '2021-01-01', ev('SwitchedOn')),
    entry(3, '2022-01-01', ev('SwitchedOff')),
    entry(4, '2023-01-01', ev('SwitchedOn')),
    retraction(5, '2023-01-01', 4),
  ]
  const accepted = decideOnTimeline(decider, history, retractFact(idOf(3)), undefined)
  t.same(
    accepted,
    [
      {
        event: {
          type: 'Retracted',
          data: { lampId: 'l1', retractedEventId: idOf(3), reason: 'mistake (SwitchedOff)' },
        },
        effectiveDate: '2022-01-01',
      },
    ],
    'the retraction is the decider’s event, dated where the fact it takes back stood',
  )
  const broken = refusal(() => decideOnTimeline(decider, history, retractFact(idOf(2)), undefined))
  t.equal(broken.code, rules.alreadyOff, 'without the switch-on, the switch-off would find the lamp off')
  t.same(broken.details, {
    breaksAt: { eventId: idOf(3), type: 'SwitchedOff', effectiveDate: '2022-01-01', streamVersion: 3 },
  })
  t.match(broken.message, /without the SwitchedOn dated 2021-01-01/)
  const unknown = refusal(() => decideOnTimeline(decider, history, retractFact(idOf(99)), undefined))
  t.equal(unknown.code, timelineRules.eventNotFound)
  t.equal(unknown.kind, 'not-found')
  const twice = refusal(() => decideOnTimeline(decider, history, retractFact(idOf(4)), undefined))
  t.equal(twice.code, timelineRules.alreadyRetracted)
  t.match(twice.message, idOf(5), 'naming the retraction that did it')
  t.equal(
    refusal(() => decideOnTimeline(decider, history, retractFact(idOf(5)), undefined)).code,
    timelineRules.retractionNotRetractable,
  )
  t.same(
    decideOnTimeline(decider, history, { type: 'SwitchOn' }, '2024-01-01').map((decided) => decided.event),
    [ev('SwitchedOn')],
    'a retracted fact no longer counts for later commands',
  )
  const creation = decideOnTimeline(decider, history, retractFact(idOf(1)), undefined)
  t.equal(creation.length, 1, 'the recording itself may be retracted')
  t.match(creation[0]?.event.data, { endsLifecycle: true }, 'and its retraction ends the lifecycle recorded so far')
  const unrecorded = [...history, retraction(6, '2020-01-01', 1)]
  t.equal(
    refusal(() => decideOnTimeline(decider, unrecorded, { type: 'SwitchOff' }, '2024-01-01')).code,
    'lamp-not-found',
  )
})

t.test('a retraction judges again only the facts after it, as an insertion does', async (t) => {
  const { decider, ev } = lamp()
  // Stored before these rules held: a second switch-on, earlier than anything retracted here.
  const legacy = [
    entry(1, '2020-01-01', ev('Installed')),
    entry(2, '2021-01-01', ev('SwitchedOn')),
    entry(3, '2021-06-01', ev('SwitchedOn')),
    entry(4, '2022-01-01', ev('SwitchedOff')),
    entry(5, '2023-01-01', ev('SwitchedOn')),
  ]
  t.equal(decideOnTimeline(decider, legacy, retractFact(idOf(5)), undefined).length, 1, 'the last fact is retracted')
  t.equal(
    decideOnTimeline(decider, legacy, { type: 'SwitchOff' }, '2024-01-01').length,
    1,
    'as a new fact after the old break is accepted',
  )
  const broken = refusal(() => decideOnTimeline(decider, legacy, retractFact(idOf(4)), undefined))
  t.equal(broken.code, rules.alreadyOn, 'a break after the retracted fact is still found')
  t.same(broken.details, {
    breaksAt: { eventId: idOf(5), type: 'SwitchedOn', effectiveDate: '2023-01-01', streamVersion: 5 },
  })
})

t.test('activeTimeline', async (t) => {
  const { ev } = lamp()
  const history = [
    entry(1, '2020-01-01', ev('Installed')),
    entry(2, '2022-01-01', ev('SwitchedOn')),
    entry(3, '2021-01-01', ev('SwitchedOn')),
    retraction(4, '2021-01-01', 3),
    entry(5, '2021-01-01', ev('SwitchedOff')),
    entry(6, '2020-01-01', ev('SwitchedOn')),
  ]
  const copy = structuredClone(history)
  t.same(
    activeTimeline(history).map((active) => active.streamVersion),
    [1, 6, 5, 2],
    'by valid time, ties by record order, without retracted facts and retractions',
  )
  t.same(history, copy, 'the history it is given is left as it was')
  t.equal(retractedEventIdOf(history[3]?.event ?? ev('Installed')), idOf(3))
  t.equal(retractedEventIdOf(ev('Installed')), undefined)
  t.ok(byValidTime(entry(2, '2020-01-01', ev('SwitchedOn')), entry(1, '2020-01-02', ev('SwitchedOn'))) < 0)
  t.ok(byValidTime(entry(2, '2020-01-01', ev('SwitchedOn')), entry(1, '2020-01-01', ev('SwitchedOn'))) > 0)
})

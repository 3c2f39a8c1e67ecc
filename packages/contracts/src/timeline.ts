import { DomainError } from './errors.ts'

/**
 * A recorded fact where the timeline places it: by valid time (`effectiveDate`), ties
 * by record order (`streamVersion`).
 */
export interface TimelineEntry<Event> {
  event: Event
  eventId: string
  /** The event's type as stored, e.g. `ree.deposit.stage-advanced.v2`. */
  eventType: string
  effectiveDate: string
  streamVersion: number
}

/** The id of the fact a retraction takes back; undefined for every other event. */
export function retractedEventIdOf(event: { data: unknown }): string | undefined {
  const data = (event.data ?? {}) as { retractedEventId?: unknown }
  return typeof data.retractedEventId === 'string' ? data.retractedEventId : undefined
}

/**
 * The facts in force as known from a history: retracted facts and the retractions
 * themselves left out, the rest in valid-time order (ties by record order).
 */
export function activeTimeline<Event extends { data: unknown }>(
  history: readonly TimelineEntry<Event>[],
): TimelineEntry<Event>[] {
  const retracted = new Set(history.flatMap((entry) => retractedEventIdOf(entry.event) ?? []))
  // A retracted creation takes its whole lifecycle with it: what was recorded before it ends there.
  const lifecycleEndsAt = Math.max(
    0,
    ...history.filter((entry) => endsLifecycle(entry.event)).map((entry) => entry.streamVersion),
  )
  return history
    .filter(
      (entry) =>
        entry.streamVersion > lifecycleEndsAt &&
        retractedEventIdOf(entry.event) === undefined &&
        !retracted.has(entry.eventId),
    )
    .sort(byValidTime)
}

/** Whether a retraction took back an entity's creation, and so every fact recorded before it. */
export function endsLifecycle(event: { data: unknown }): boolean {
  return (event.data as { endsLifecycle?: unknown } | undefined)?.endsLifecycle === true
}

export function byValidTime(
  a: { effectiveDate: string; streamVersion: number },
  b: { effectiveDate: string; streamVersion: number },
): number {
  return a.effectiveDate < b.effectiveDate
    ? -1
    : a.effectiveDate > b.effectiveDate
      ? 1
      : a.streamVersion - b.streamVersion
}

/** What every aggregate's state says first: whether it has been recorded at all (as of the date asked). */
export interface AggregateState {
  recorded: boolean
}

/**
 * A pure decider whose facts take their place in valid time. `decide` judges a command
 * against the state as of its effective date; `check` is the list of rules every fact
 * must keep where it stands, so a fact learned late is accepted exactly when the
 * timeline with it still keeps them.
 */
export interface TimelineDecider<Command, Event extends { type: string; data: unknown }, State extends AggregateState> {
  initialState: State
  evolve: (state: State, event: Event) => State
  decide: (command: Command, state: State) => Event[]
  /** Throws a DomainError naming the rule when `event`, on `effectiveDate`, cannot follow `state`. */
  check: (state: State, event: Event, effectiveDate: string) => void
  /** The event that takes `target` back. */
  retract: (command: RetractFact, target: TimelineEntry<Event>) => Event
}

/** The command every aggregate takes to retract a fact recorded by mistake. */
export interface RetractFact {
  type: 'RetractFact'
  data: { eventId: string; reason: string } & Record<string, unknown>
}

export const timelineRules = {
  datedBeforeCreation: 'dated-before-creation',
  eventNotFound: 'event-not-found',
  alreadyRetracted: 'already-retracted',
  retractionNotRetractable: 'retraction-not-retractable',
} as const

/** A new event and the valid date it takes its place at. */
export interface DecidedEvent<Event> {
  event: Event
  effectiveDate: string
}

/**
 * Decides a command on the timeline of an aggregate's history: the command is judged
 * as of its effective date, its events are inserted there, and every later fact must
 * still keep the rules. A retraction is judged by the timeline without the retracted fact.
 */
export function decideOnTimeline<Command, Event extends { type: string; data: unknown }, State extends AggregateState>(
  decider: TimelineDecider<Command, Event, State>,
  history: readonly TimelineEntry<Event>[],
  command: Command | RetractFact,
  effectiveDate: string | undefined,
): DecidedEvent<Event>[] {
  const active = activeTimeline(history)
  if (isRetraction(command)) return [retraction(decider, history, active, command)]
  if (effectiveDate === undefined) throw new Error('a command that is not a retraction needs an effective date')
  const before = active.filter((entry) => entry.effectiveDate <= effectiveDate)
  const after = active.filter((entry) => entry.effectiveDate > effectiveDate)
  const state = before.reduce((current, entry) => decider.evolve(current, entry.event), decider.initialState)
  const recording = state.recorded ? undefined : recordingOf(decider, state, after)
  if (recording) {
    throw new DomainError(
      timelineRules.datedBeforeCreation,
      `it is recorded from ${recording.effectiveDate}: a fact dated ${effectiveDate} would come before it existed`,
    )
  }
  const events = decider.decide(command, state)
  let next = state
  for (const event of events) {
    decider.check(next, event, effectiveDate)
    next = decider.evolve(next, event)
  }
  checkFrom(decider, next, after, `with a fact dated ${effectiveDate}`)
  return events.map((event) => ({ event, effectiveDate }))
}

function retraction<Command, Event extends { type: string; data: unknown }, State extends AggregateState>(
  decider: TimelineDecider<Command, Event, State>,
  history: readonly TimelineEntry<Event>[],
  active: TimelineEntry<Event>[],
  command: RetractFact,
): DecidedEvent<Event> {
  const eventId = command.data.eventId
  const target = history.find((entry) => entry.eventId === eventId)
  if (!target) {
    throw new DomainError(timelineRules.eventNotFound, `no event ${eventId} is in this history`, 'not-found')
  }
  if (retractedEventIdOf(target.event) !== undefined) {
    throw new DomainError(
      timelineRules.retractionNotRetractable,
      `event ${eventId} is itself a retraction: to restore the fact, record it again`,
    )
  }
  const earlier = history.find((entry) => retractedEventIdOf(entry.event) === eventId)
  if (earlier) {
    throw new DomainError(
      timelineRules.alreadyRetracted,
      `event ${eventId} was already retracted by event ${earlier.eventId}`,
    )
  }
  const place = active.indexOf(target)
  if (place < 0) {
    throw new DomainError(
      timelineRules.alreadyRetracted,
      `event ${eventId} went with its entity's creation when that was retracted: record the entity again`,
    )
  }
  // As for an insertion, only the facts after the change are judged again: those before it stand as they were.
  const before = active
    .slice(0, place)
    .reduce((state, entry) => decider.evolve(state, entry.event), decider.initialState)
  const retraction = decider.retract(command, target)
  if (!before.recorded && decider.evolve(before, target.event).recorded) {
    // Taking back the creation takes back the entity: a new recording starts a lifecycle of its own.
    const ending = { ...retraction, data: { ...(retraction.data as object), endsLifecycle: true } } as Event
    return { event: ending, effectiveDate: target.effectiveDate }
  }
  checkFrom(decider, before, active.slice(place + 1), `without the ${target.eventType} dated ${target.effectiveDate}`)
  return { event: retraction, effectiveDate: target.effectiveDate }
}

/** Folds `entries` onto `state`, checking each against the rules; a break names the fact where it happens. */
function checkFrom<Command, Event extends { type: string; data: unknown }, State extends AggregateState>(
  decider: TimelineDecider<Command, Event, State>,
  state: State,
  entries: readonly TimelineEntry<Event>[],
  change: string,
): State {
  let current = state
  for (const entry of entries) {
    try {
      decider.check(current, entry.event, entry.effectiveDate)
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      throw new DomainError(
        error.code,
        `${change}, the ${entry.eventType} dated ${entry.effectiveDate} (version ${entry.streamVersion}) would break a rule: ${error.message}`,
        error.kind === 'not-found' ? 'rule' : error.kind,
        {
          breaksAt: {
            eventId: entry.eventId,
            type: entry.eventType,
            effectiveDate: entry.effectiveDate,
            streamVersion: entry.streamVersion,
          },
        },
      )
    }
    current = decider.evolve(current, entry.event)
  }
  return current
}

/** The first of `entries` from which the aggregate is recorded; the facts before it are dormant. */
function recordingOf<Command, Event extends { type: string; data: unknown }, State extends AggregateState>(
  decider: TimelineDecider<Command, Event, State>,
  from: State,
  entries: readonly TimelineEntry<Event>[],
): TimelineEntry<Event> | undefined {
  let state = from
  for (const entry of entries) {
    state = decider.evolve(state, entry.event)
    if (state.recorded) return entry
  }
  return undefined
}

function isRetraction(command: unknown): command is RetractFact {
  return (command as { type?: unknown }).type === 'RetractFact'
}

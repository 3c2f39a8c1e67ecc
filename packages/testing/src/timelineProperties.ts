import { isDeepStrictEqual } from 'node:util'
import {
  type AggregateState,
  activeTimeline,
  type DecidedEvent,
  DomainError,
  decideOnTimeline,
  type RetractFact,
  type TimelineDecider,
  type TimelineEntry,
} from '@ree/contracts'
import fc from 'fast-check'

/** One step of a generated history: a command on a date, or the retraction of one of the events recorded so far. */
export type TimelineStep<Command> =
  | { kind: 'command'; command: Command; date: string }
  | { kind: 'retraction'; pick: number }

/** Dates close enough together that facts often share a day, some far ahead of the others. */
export const timelineDates = fc.constantFrom(
  '2018-03-01',
  '2019-07-15',
  '2020-01-01',
  '2021-06-30',
  '2022-05-01',
  '2023-01-01',
  '2024-06-01',
  '2025-12-31',
  '2027-01-01',
  '2028-06-30',
)

/** Steps that start with `first` (usually the creation) and go on with commands at random dates and retractions. */
export function timelineSteps<Command>(
  first: fc.Arbitrary<Command>,
  next: fc.Arbitrary<Command>,
  maxLength = 14,
): fc.Arbitrary<TimelineStep<Command>[]> {
  const command = (arbitrary: fc.Arbitrary<Command>, date = timelineDates) =>
    fc.record({ kind: fc.constant('command' as const), command: arbitrary, date })
  const step = fc.oneof(
    { weight: 4, arbitrary: command(next) },
    { weight: 1, arbitrary: command(first) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('retraction' as const), pick: fc.nat() }) },
  )
  // Mostly created on the earliest date, so that most later commands are judged rather than dated before it.
  const creationDate = fc.oneof(
    { weight: 3, arbitrary: fc.constant('2018-03-01') },
    { weight: 1, arbitrary: timelineDates },
  )
  return fc.tuple(command(first, creationDate), fc.array(step, { maxLength })).map(([head, tail]) => [head, ...tail])
}

export interface TimelinePropertyOptions<
  Command,
  Event extends { type: string; data: unknown },
  State extends AggregateState,
> {
  decider: TimelineDecider<Command, Event, State>
  steps: fc.Arbitrary<TimelineStep<Command>[]>
  /** The domain's invariants, stated over the active timeline on their own: a message for the first breach. */
  invariants: (timeline: readonly TimelineEntry<Event>[]) => string | undefined
  numRuns: number
  /** The retraction command's provenance. */
  provenance: Record<string, unknown>
}

/** How often the runs reached each path, so a test can tell the properties were not held vacuously. */
export interface TimelineRunCounts {
  accepted: number
  /** Accepted facts dated before a fact already in force. */
  acceptedLate: number
  acceptedRetractions: number
  refused: number
  /** Refusals that named a later fact the command would break. */
  refusedAtLaterFact: number
}

/**
 * Plays random histories through the engine and, after every accepted command, holds:
 * (a) the state folded from the active timeline up to a command's date is the state the
 * engine judged that command against; (b) every fact of the active timeline keeps the
 * decider's rules against the state before it; (c) the domain's own invariants hold.
 */
export function assertTimelineProperties<
  Command,
  Event extends { type: string; data: unknown },
  State extends AggregateState,
>(options: TimelinePropertyOptions<Command, Event, State>): TimelineRunCounts {
  const counts: TimelineRunCounts = {
    accepted: 0,
    acceptedLate: 0,
    acceptedRetractions: 0,
    refused: 0,
    refusedAtLaterFact: 0,
  }
  const { decider } = options
  const fold = (entries: readonly TimelineEntry<Event>[]) =>
    entries.reduce((state, entry) => decider.evolve(state, entry.event), decider.initialState)
  fc.assert(
    fc.property(options.steps, (steps) => {
      const history: TimelineEntry<Event>[] = []
      // The facts in force, kept here apart from the engine: appended when accepted, taken out when retracted.
      let live: TimelineEntry<Event>[] = []
      for (const step of steps) {
        let judged: { state: State } | undefined
        const spy: typeof decider = {
          ...decider,
          decide: (command, state) => {
            judged = { state }
            return decider.decide(command, state)
          },
        }
        const target = step.kind === 'retraction' ? history[step.pick % Math.max(history.length, 1)] : undefined
        if (step.kind === 'retraction' && !target) continue
        const command: Command | RetractFact =
          step.kind === 'command'
            ? step.command
            : {
                type: 'RetractFact',
                data: { eventId: target?.eventId ?? '', reason: 'property', ...options.provenance },
              }
        const date = step.kind === 'command' ? step.date : undefined
        const before = activeTimeline(history)
        let decided: DecidedEvent<Event>[] = []
        let refusal: DomainError | undefined
        try {
          decided = decideOnTimeline(spy, history, command, date)
        } catch (error) {
          if (!(error instanceof DomainError)) throw error
          refusal = error
        }
        // Accepted or refused, a command the engine judged was judged against the timeline as of its date.
        if (date !== undefined && judged) {
          const expected = fold(before.filter((entry) => entry.effectiveDate <= date))
          if (!isDeepStrictEqual(judged.state, expected)) {
            throw new Error(
              `(a) judged ${JSON.stringify(judged.state)} where the timeline says ${JSON.stringify(expected)}`,
            )
          }
        }
        if (refusal) {
          counts.refused += 1
          if (refusal.details?.breaksAt !== undefined) counts.refusedAtLaterFact += 1
          continue
        }
        if (date !== undefined) {
          if (!judged) throw new Error(`the engine accepted a command dated ${date} without judging it`)
          counts.accepted += 1
          if (before.some((entry) => entry.effectiveDate > date)) counts.acceptedLate += 1
        } else {
          counts.acceptedRetractions += 1
          const inOrder = [...live].sort(
            (a, b) => a.effectiveDate.localeCompare(b.effectiveDate) || a.streamVersion - b.streamVersion,
          )
          const place = inOrder.findIndex((entry) => entry.eventId === target?.eventId)
          const stateBefore = fold(inOrder.slice(0, place))
          const creation =
            target !== undefined && !stateBefore.recorded && decider.evolve(stateBefore, target.event).recorded
          // Taking back the creation takes the whole lifecycle recorded so far with it.
          live = creation ? [] : live.filter((entry) => entry.eventId !== target?.eventId)
        }
        for (const { event, effectiveDate } of decided) {
          const streamVersion = history.length + 1
          const entry = {
            event,
            eventId: `00000000-0000-4000-8000-${String(streamVersion).padStart(12, '0')}`,
            eventType: event.type,
            effectiveDate,
            streamVersion,
          }
          history.push(entry)
          if (date !== undefined) live.push(entry)
        }
        const timeline = activeTimeline(history)
        const inValidTime = [...live].sort(
          (a, b) => a.effectiveDate.localeCompare(b.effectiveDate) || a.streamVersion - b.streamVersion,
        )
        if (!isDeepStrictEqual(timeline, inValidTime)) {
          throw new Error(
            `(a) the active timeline ${versions(timeline)} is not the facts in force ${versions(inValidTime)}`,
          )
        }
        let state = decider.initialState
        for (const entry of timeline) {
          try {
            decider.check(state, entry.event, entry.effectiveDate)
          } catch (error) {
            throw new Error(
              `(b) the ${entry.eventType} of version ${entry.streamVersion} breaks a rule in ${versions(timeline)}`,
              { cause: error },
            )
          }
          state = decider.evolve(state, entry.event)
        }
        const breach = options.invariants(timeline)
        if (breach !== undefined) throw new Error(`(c) ${breach}`)
      }
    }),
    { numRuns: options.numRuns },
  )
  return counts
}

function versions(timeline: readonly TimelineEntry<unknown>[]): string {
  return timeline.map((entry) => `${entry.streamVersion}:${entry.eventType}@${entry.effectiveDate}`).join(' ')
}

/** The runs reached what the properties are about, so they cannot pass vacuously. */
export function assertCoverage(
  t: { ok(value: unknown, message: string): unknown; comment(message: string): unknown },
  counts: TimelineRunCounts,
): void {
  t.comment(JSON.stringify(counts))
  t.ok(counts.acceptedLate > 0, `facts learned late were accepted (${counts.acceptedLate})`)
  t.ok(counts.acceptedRetractions > 0, `retractions were accepted (${counts.acceptedRetractions})`)
  t.ok(counts.refusedAtLaterFact > 0, `refusals named the later fact they would break (${counts.refusedAtLaterFact})`)
}

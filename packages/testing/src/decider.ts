import {
  type AggregateState,
  decideOnTimeline,
  type RetractFact,
  type TimelineDecider,
  type TimelineEntry,
} from '@ree/contracts'

/** The two assertions a decider spec needs (tap's `t` has both). */
interface Assertions {
  same(found: unknown, wanted: unknown, ...message: [] | [string]): boolean
  throws(fn: () => unknown, wanted: { code: string }, ...message: [] | [string]): unknown
}

/** An event the spec gives, with the date it happened; undated ones happened on `SPEC_DATE`. */
export interface DatedEvent<Event> {
  on: string
  event: Event
  /** Lets a later retraction in the spec name it. */
  id?: string
}

/** The date of every undated event and command in a spec. */
export const SPEC_DATE = '2020-01-01'

export function on<Event>(date: string, event: Event, id?: string): DatedEvent<Event> {
  return id === undefined ? { on: date, event } : { on: date, event, id }
}

/**
 * Given these events (in record order, each at its date), when this command on a date,
 * then these events (or this error): a decider test that reads as the rule it checks.
 */
export function deciderSpec<Command, Event extends { type: string; data: unknown }, State extends AggregateState>(
  decider: TimelineDecider<Command, Event, State>,
  t: Assertions,
) {
  return (given: Array<Event | DatedEvent<Event>>) => ({
    when: (command: Command | RetractFact, date: string | undefined = SPEC_DATE) => {
      const history = given.map((entry, index): TimelineEntry<Event> => {
        const dated = 'on' in entry ? entry : { on: SPEC_DATE, event: entry }
        return {
          event: dated.event,
          eventId: dated.id ?? `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
          eventType: dated.event.type,
          effectiveDate: dated.on,
          streamVersion: index + 1,
        }
      })
      const run = () =>
        decideOnTimeline(
          decider,
          history,
          command,
          command && (command as RetractFact).type === 'RetractFact' ? undefined : date,
        ).map((decided) => decided.event)
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then reads as the spec; this object is never awaited
        then: (expected: Event[], ...message: [] | [string]) => t.same(run(), expected, ...message),
        thenThrows: (expected: { code: string }, ...message: [] | [string]) => t.throws(run, expected, ...message),
      }
    },
  })
}

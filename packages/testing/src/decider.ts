interface Decider<Command, Event, State> {
  initialState: State
  evolve: (state: State, event: Event) => State
  decide: (command: Command, state: State) => Event[]
}

/** The two assertions a decider spec needs (tap's `t` has both). */
interface Assertions {
  same(found: unknown, wanted: unknown, ...message: [] | [string]): boolean
  throws(fn: () => unknown, wanted: { code: string }, ...message: [] | [string]): unknown
}

/**
 * Given these events, when this command, then these events (or this error):
 * a decider test that reads as the rule it checks.
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>, t: Assertions) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState))
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then reads as the spec; this object is never awaited
        then: (expected: Event[], ...message: [] | [string]) => t.same(run(), expected, ...message),
        thenThrows: (expected: { code: string }, ...message: [] | [string]) => t.throws(run, expected, ...message),
      }
    },
  })
}

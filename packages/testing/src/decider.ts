import assert from 'node:assert/strict'

interface Decider<Command, Event, State> {
  initialState: State
  evolve: (state: State, event: Event) => State
  decide: (command: Command, state: State) => Event[]
}

/**
 * Given these events, when this command, then these events (or this error):
 * a decider test that reads as the rule it checks.
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState))
      return {
        then: (expected: Event[]) => assert.deepStrictEqual(run(), expected),
        thenThrows: (expected: { code: string } | RegExp) =>
          assert.throws(run, (error: unknown) =>
            expected instanceof RegExp
              ? expected.test(String((error as Error).message))
              : (error as { code?: string }).code === expected.code,
          ),
      }
    },
  })
}

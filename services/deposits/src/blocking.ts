import { DomainError } from '@ree/contracts'

/** A blocking as the decider keeps it: its kind, and its last day when it is a suspension with one. */
export interface BlockingState {
  kind: 'blocked' | 'suspended'
  until?: string
}

export const blockingRules = { alreadyBlocked: 'already-blocked', notBlocked: 'not-blocked' } as const

/** Whether a blocking stands on `date`: a suspension with an end date lapses after its last day. */
export function isBlockedOn(blocking: BlockingState | undefined, date: string): boolean {
  return blocking !== undefined && (blocking.until === undefined || date <= blocking.until)
}

/** The blocking an event of kind and end date sets. */
export function blockingOf(data: { kind: BlockingState['kind']; until?: string | undefined }): BlockingState {
  return data.until === undefined ? { kind: data.kind } : { kind: data.kind, until: data.until }
}

/**
 * The rule a blocking keeps on the timeline: none over one that stands, but a suspension
 * renewed or extended by a suspension with a new last day. A blocking with no end stands
 * until it is unblocked: nothing recorded over it may replace it (and lapse it).
 */
export function checkBlocking(
  what: string,
  blocking: BlockingState | undefined,
  data: { kind: BlockingState['kind']; until?: string | undefined },
  date: string,
): void {
  const until = blocking?.until
  const renewal =
    blocking?.kind === 'suspended' && data.kind === 'suspended' && data.until !== undefined && data.until !== until
  if (isBlockedOn(blocking, date) && !renewal) {
    throw new DomainError(
      blockingRules.alreadyBlocked,
      `${what} is already blocked on ${date}${until ? ` (suspended until ${until})` : ''}: record the unblocking first`,
    )
  }
}

/** The rule an unblocking keeps: something stands to lift on its date. */
export function checkUnblocking(what: string, blocking: BlockingState | undefined, date: string): void {
  if (!isBlockedOn(blocking, date)) {
    const lapsed = blocking?.until ? ` (its suspension ended on ${blocking.until})` : ''
    throw new DomainError(blockingRules.notBlocked, `${what} is not blocked on ${date}${lapsed}`)
  }
}

/**
 * A rule of the domain forbids the command. `code` is stable: it becomes the problem
 * `type` clients branch on. `kind` says which HTTP status family answers it.
 */
export class DomainError extends Error {
  readonly code: string
  readonly kind: 'rule' | 'not-found' | 'conflict'
  constructor(code: string, message: string, kind: 'rule' | 'not-found' | 'conflict' = 'rule') {
    super(message)
    this.name = 'DomainError'
    this.code = code
    this.kind = kind
  }
}

/**
 * A change of stage or status may not be dated before the one it follows: folded in
 * order, it would make an as-of answer show it out of place. Checked when both dates
 * are known.
 */
export function refuseIfDatedBefore(
  effectiveDate: string | undefined,
  since: string | undefined,
  rule: { code: string; current: string },
): void {
  if (effectiveDate === undefined || since === undefined || effectiveDate >= since) return
  throw new DomainError(
    rule.code,
    `${rule.current} since ${since}: a change dated ${effectiveDate} would come before it; record it with a date on or after ${since}`,
  )
}

/** `{ statusSince }` from an event read back from the store (a new event has no date yet). */
export function statusSinceOf(event: { metadata?: { effectiveDate: string } }): { statusSince?: string } {
  return event.metadata ? { statusSince: event.metadata.effectiveDate } : {}
}

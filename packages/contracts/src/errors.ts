/**
 * A rule of the domain forbids the command. `code` is stable: it becomes the problem
 * `type` clients branch on. `kind` says which HTTP status family answers it.
 */
export class DomainError extends Error {
  readonly code: string
  readonly kind: 'rule' | 'not-found' | 'conflict'
  /** Extension members of the problem, e.g. where in the timeline a rule broke. */
  readonly details: Record<string, unknown> | undefined
  constructor(
    code: string,
    message: string,
    kind: 'rule' | 'not-found' | 'conflict' = 'rule',
    details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'DomainError'
    this.code = code
    this.kind = kind
    this.details = details
  }
}

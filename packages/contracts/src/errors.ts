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

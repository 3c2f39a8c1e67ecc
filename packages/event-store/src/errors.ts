/** Another writer appended to the stream since it was read. */
export class ConcurrencyError extends Error {
  readonly streamId: string
  readonly expectedVersion: number
  readonly actualVersion: number | undefined
  constructor(streamId: string, expectedVersion: number, actualVersion?: number) {
    super(
      `stream ${streamId} was expected at version ${expectedVersion}` +
        (actualVersion === undefined ? ' but another writer appended first' : ` but is at ${actualVersion}`),
    )
    this.name = 'ConcurrencyError'
    this.streamId = streamId
    this.expectedVersion = expectedVersion
    this.actualVersion = actualVersion
  }
}

/** The client's `If-Match` names a version the stream is no longer at. */
export class PreconditionFailedError extends Error {
  readonly expectedVersion: number | '*'
  readonly actualVersion: number
  constructor(expectedVersion: number | '*', actualVersion: number) {
    super(
      expectedVersion === '*'
        ? 'If-Match: * applies only to an entity that exists, and this one does not yet'
        : `If-Match names version ${expectedVersion}, but the current version is ${actualVersion}`,
    )
    this.name = 'PreconditionFailedError'
    this.expectedVersion = expectedVersion
    this.actualVersion = actualVersion
  }
}

/** The same `Idempotency-Key` was sent before with a different request. */
export class IdempotencyKeyReusedError extends Error {
  readonly key: string
  constructor(key: string) {
    super(`Idempotency-Key "${key}" was already used for a different request`)
    this.name = 'IdempotencyKeyReusedError'
    this.key = key
  }
}

export const UNIQUE_VIOLATION = '23505'

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION
}

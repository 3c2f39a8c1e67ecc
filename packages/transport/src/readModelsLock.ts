import type pg from 'pg'

const key = 'ree:read-models'

/**
 * Every projection batch holds this lock shared for its transaction; a rebuild takes it
 * exclusively for the moment it catches up and switches tables, so no batch writes
 * the old tables after the switch and none is lost.
 */
export async function shareReadModelsLock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock_shared(hashtext($1))', [key])
}

/** Waits until no projection batch is running, then keeps them out until the transaction ends. */
export async function takeReadModelsLock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key])
}

/** The lock's key, for a session that holds it outside a transaction (a test, an operator). */
export const readModelsLockKey = key

import type pg from 'pg'
import { dealModel } from './deals/projection.ts'
import { depositModel } from './deposits/projection.ts'
import { temporalModelSql } from './temporal-model.ts'
import { restrictionModel, shipmentModel } from './trade-flows/projection.ts'

/**
 * The version of the read models' layout. When it changes, the read models are
 * dropped and rebuilt from the events (a read model is derived, never the truth).
 */
export const READ_MODELS_VERSION = 2

/** The read models' tables, in their own schema; safe to run at every start. */
export const readModelsSql = `
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE SCHEMA IF NOT EXISTS read_models;
CREATE TABLE IF NOT EXISTS read_models.layout (version integer NOT NULL);
${[depositModel, dealModel, shipmentModel, restrictionModel].map(temporalModelSql).join('\n')}
`

/**
 * Creates the read models; on a database written by an older layout, drops them and
 * resets the projection's positions so that it rebuilds them from the start.
 */
export async function migrateReadModels(pool: pg.Pool): Promise<{ rebuilt: boolean }> {
  const client = await pool.connect()
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('migrate:read_models'))`)
    const layout = await client.query<{ version: number | null }>(
      `SELECT CASE WHEN to_regclass('read_models.layout') IS NULL THEN NULL
              ELSE (SELECT max(version) FROM read_models.layout) END AS version,
              to_regclass('read_models.deposits') IS NOT NULL AS old_layout`,
    )
    const row = layout.rows[0] as { version: number | null; old_layout: boolean } | undefined
    const stale = row !== undefined && (row.old_layout || (row.version !== null && row.version !== READ_MODELS_VERSION))
    await client.query('BEGIN')
    if (stale) {
      await client.query('DROP SCHEMA read_models CASCADE')
      await resetProjectionPositions(client)
    }
    await client.query(readModelsSql)
    await client.query('DELETE FROM read_models.layout')
    await client.query('INSERT INTO read_models.layout (version) VALUES ($1)', [READ_MODELS_VERSION])
    await client.query('COMMIT')
    return { rebuilt: stale }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext('migrate:read_models'))`).catch(() => undefined)
    client.release()
  }
}

/** The projection's positions (Postgres log checkpoints and Kafka offsets), where they exist. */
async function resetProjectionPositions(client: pg.ClientBase): Promise<void> {
  for (const table of ['projection.checkpoints', 'projection.kafka_offsets']) {
    const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table])
    if (exists.rows[0]?.found) await client.query(`DELETE FROM ${table}`)
  }
}

import type pg from 'pg'
import { countryFiguresModel } from './countries/projection.ts'
import { dealModel } from './deals/projection.ts'
import { depositModel } from './deposits/projection.ts'
import { facilityModel } from './facilities/projection.ts'
import { temporalModelSql } from './temporal-model.ts'
import { restrictionModel, shipmentModel } from './trade-flows/projection.ts'

/**
 * The version of the read models' layout. When it changes, the read models are
 * dropped and rebuilt from the events (a read model is derived, never the truth).
 */
export const READ_MODELS_VERSION = 4

/** The read models' tables, in their own schema; safe to run at every start. */
export const readModelsSql = `
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE SCHEMA IF NOT EXISTS read_models;
CREATE TABLE IF NOT EXISTS read_models.layout (version integer NOT NULL);
${[depositModel, dealModel, shipmentModel, restrictionModel, countryFiguresModel, facilityModel].map(temporalModelSql).join('\n')}
`

/**
 * Creates the read models; on a database written by an older layout, drops them and
 * resets the projection's positions and dead letters so that it rebuilds them from the start.
 */
export async function migrateReadModels(pool: pg.Pool): Promise<{ rebuilt: boolean }> {
  const client = await pool.connect()
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('migrate:read_models'))`)
    const stale = await olderLayout(client)
    await client.query('BEGIN')
    if (stale) {
      await client.query('DROP SCHEMA read_models CASCADE')
      await resetProjection(client)
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

/** Whether the database holds read models of an older layout (the first one had no layout table). */
async function olderLayout(client: pg.ClientBase): Promise<boolean> {
  const tables = await client.query<{ layout: boolean; first: boolean }>(
    `SELECT to_regclass('read_models.layout') IS NOT NULL AS layout, to_regclass('read_models.deposits') IS NOT NULL AS first`,
  )
  const found = tables.rows[0]
  if (found?.first) return true
  if (!found?.layout) return false
  const layout = await client.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM read_models.layout',
  )
  const version = layout.rows[0]?.version ?? null
  return version !== null && version !== READ_MODELS_VERSION
}

/**
 * The projection's positions (Postgres log checkpoints and Kafka offsets), where they
 * exist, and the events it set aside: the rebuild tries each again and sets aside anew those that still fail.
 */
async function resetProjection(client: pg.ClientBase): Promise<void> {
  for (const table of ['projection.checkpoints', 'projection.kafka_offsets', 'projection.dead_letters']) {
    const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table])
    if (exists.rows[0]?.found) await client.query(`DELETE FROM ${table}`)
  }
}

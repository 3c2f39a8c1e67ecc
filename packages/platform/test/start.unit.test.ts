import t from 'tap'
import { ConfigError } from '../src/config.ts'
import { describeStartFailure, StartError } from '../src/start.ts'

t.test('a start failure is one readable line whatever was thrown', async (t) => {
  t.equal(
    describeStartFailure(new StartError('port 3000 on 127.0.0.1 is already in use; set PORT to a free port')),
    'port 3000 on 127.0.0.1 is already in use; set PORT to a free port',
  )
  t.equal(
    describeStartFailure(new ConfigError([{ variable: 'PORT', message: 'expected a number' }])),
    'Invalid configuration: PORT: expected a number',
  )
  t.equal(describeStartFailure(undefined), 'an unnamed failure (nothing was thrown with it)', 'never a bare undefined')
  t.equal(
    describeStartFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432',
  )
  t.equal(
    describeStartFailure(new AggregateError([new Error('first cause'), new Error('second')], '')),
    'first cause',
    'the first of several causes',
  )
  t.equal(
    describeStartFailure(new Error('migration failed', { cause: new Error('permission denied') })),
    'migration failed (permission denied)',
  )
})

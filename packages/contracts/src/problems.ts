/**
 * Every problem `type` the API can answer, declared once: its status, its title, what it
 * means and what to do about it. The error handler, the OpenAPI text and the
 * `/problems/<code>` pages all read this table; adding a code is one entry.
 */
export interface ProblemDefinition {
  status: number
  title: string
  meaning: string
  action: string
}

const problem = (status: number, title: string, meaning: string, action: string): ProblemDefinition => ({
  status,
  title,
  meaning,
  action,
})

/** Problems of the HTTP surface: bad input, keys, limits, concurrency, availability. */
export const httpProblems = {
  'validation-failed': problem(
    400,
    'The request is not valid',
    'A field of the body, query string, path or headers breaks its schema; `errors` names each one (`body.sources`, `querystring.country`).',
    'Fix the fields named in `errors` and send the request again.',
  ),
  'malformed-json': problem(
    400,
    'The body is not valid JSON',
    'The body could not be parsed as JSON, or it was empty where a body is required.',
    'Send a JSON document with `Content-Type: application/json`.',
  ),
  'bad-header': problem(
    400,
    'A header is not valid',
    'A header the ledger reads has a value it cannot use.',
    'Correct the header named in `detail`.',
  ),
  'malformed-request': problem(
    400,
    'The request is not valid HTTP',
    'The request could not be parsed as HTTP/1.1 (a bad request line or header).',
    'Check the client or proxy that sent it.',
  ),
  unauthorized: problem(
    401,
    'An API key is required',
    'The route needs an API key and none was sent, or the key sent is not one the ledger knows (revoked, mistyped).',
    'Send `Authorization: Bearer <key>` with a key of the role the route needs; ask an admin for one.',
  ),
  forbidden: problem(
    403,
    'The API key does not allow this',
    'The key is valid but its role is too small: commands need `editor`, operations routes need `admin`.',
    'Use a key with the role named in `detail`.',
  ),
  'not-found': problem(
    404,
    'Not found',
    'No route answers this path, or the entity named is not known to the read model.',
    'Check the path and the id; a command just accepted may take a moment to show (read with `minVersion`).',
  ),
  'method-not-allowed': problem(
    405,
    'Method not allowed',
    'The path exists but does not answer this HTTP method; the `Allow` header lists the methods it answers.',
    'Use one of the methods in `Allow`.',
  ),
  'concurrent-write': problem(
    409,
    'Another writer changed this first',
    'Two commands on the same entity raced and the other one was appended first.',
    'Read the entity again and retry; send `If-Match` to make the intent explicit.',
  ),
  'precondition-failed': problem(
    412,
    'The resource has changed since the version named in If-Match',
    'The entity is no longer at the version `If-Match` names (or does not exist, for `If-Match: *`).',
    'Read the entity again, decide whether the command still applies, and send it with the new ETag.',
  ),
  'payload-too-large': problem(
    413,
    'The body is too large',
    'The body is larger than 256 KiB.',
    'Send a smaller body; split a large change into several commands.',
  ),
  'uri-too-long': problem(
    414,
    'The URL is too long',
    'The request URL, or one of its path segments, is longer than the ledger accepts.',
    'Shorten the URL: ids are at most 80 characters, filters fit well within the limit.',
  ),
  'unsupported-media-type': problem(
    415,
    'Send application/json',
    'The body is not `application/json`.',
    'Send the body as JSON with `Content-Type: application/json`.',
  ),
  'idempotency-key-reused': problem(
    422,
    'Idempotency-Key was already used for another request',
    'The `Idempotency-Key` was first used with a different request; the ledger keeps the first result.',
    'Use a new key for a new request; reuse a key only to retry the very same request.',
  ),
  'rate-limited': problem(
    429,
    'Too many requests',
    'This API key, or this address when no key is sent, has sent more requests than its limit for the current window.',
    'Wait the number of seconds in `Retry-After`, then go on; spread requests out or ask for a higher limit.',
  ),
  'headers-too-large': problem(
    431,
    'The request headers are too large',
    'The request line and headers together are larger than the server accepts.',
    'Send fewer or smaller headers (cookies are not needed by the ledger).',
  ),
  'internal-error': problem(
    500,
    'Internal error',
    'Something failed that should not have; it has been logged. Nothing of a refused command is written.',
    'Retry later; if it persists, report it with the `instance` and the time.',
  ),
  'read-model-behind': problem(
    503,
    'The read model has not caught up with the requested version yet',
    'The read asked for `minVersion` and the read model had not reached it within the wait.',
    'Retry after the seconds in `Retry-After`.',
  ),
  'upstream-unavailable': problem(
    503,
    'A service behind the gateway did not answer',
    'The write service that handles this command did not answer in time; the command may or may not have been applied.',
    'Retry with the same `Idempotency-Key` after the seconds in `Retry-After`: a command already applied is not applied twice.',
  ),
  'not-ready': problem(
    503,
    'Not ready',
    'A dependency of the service (its database, the projection) does not answer yet.',
    'Wait and ask again; `detail` names the dependency.',
  ),
} as const satisfies Record<string, ProblemDefinition>

const rule = (meaning: string, action: string): ProblemDefinition =>
  problem(422, meaning.replace(/\.$/, ''), meaning, action)
const exists = (what: string): ProblemDefinition =>
  problem(
    409,
    `The ${what} already exists`,
    `A ${what} with this id is already recorded.`,
    'Choose another id, or send commands to the existing one.',
  )
const missing = (what: string): ProblemDefinition =>
  problem(404, `No such ${what}`, `No ${what} with this id is recorded.`, `Record the ${what} first, or check the id.`)

/** The rules of the domain, named by the deciders (their `*Rules` tables). */
export const domainProblems = {
  'deposit-already-registered': exists('deposit'),
  'deposit-not-found': missing('deposit'),
  'correction-changes-nothing': rule('Every field named already has that value.', 'Send only the fields that change.'),
  'stage-unchanged': rule(
    'The deposit is already at that stage.',
    'Nothing to record; read the deposit to see its stage.',
  ),
  'stage-reversal-required': rule(
    'Moving a deposit to an earlier stage is not an advance.',
    'Record it with `stage-reversals`, giving the reason.',
  ),
  'not-a-reversal': rule('A stage reversal must move to an earlier stage.', 'Use `stage-advances` to move forward.'),
  'production-before-construction': rule(
    "Production is recorded only where the deposit stands at construction or later on the timeline, at the report's date.",
    'Record the construction start (it may be dated in the past) or date the report later.',
  ),
  'operators-unchanged': rule('The operators named are already the operators.', 'Send only a change of operators.'),
  'already-blocked': rule(
    'A blocking already stands on the deposit or facility on that date.',
    'Record the unblocking first, or renew a suspension with a new `until`.',
  ),
  'not-blocked': rule(
    'No blocking stands on the deposit or facility on that date (a suspension past its `until` has lapsed by itself).',
    'Read it as of that date to see its blocking.',
  ),
  'country-figure-already-recorded': rule(
    'The same figure from the same sources is already recorded for the country.',
    'Nothing to record; a disagreeing figure or another source is recorded beside it.',
  ),
  'capacity-stage-not-performed': rule(
    'A capacity names a stage the facility does not perform on that date.',
    "Correct the facility's stages first (dated when it took the stage on), or name one of its stages.",
  ),
  'deal-already-recorded': exists('deal'),
  'deal-not-found': missing('deal'),
  'status-unchanged': rule('The entity is already at that status.', 'Nothing to record; read it to see its status.'),
  'deal-terminated': rule(
    'The deal is terminated; its terms are no longer changed.',
    'Record a new deal if talks resume.',
  ),
  'deal-completed': rule('The deal is completed; its status moves no further.', 'Record a new deal for new terms.'),
  'new-report-required-after-denial': rule(
    'After a denial only a new report reopens a deal.',
    'Record the status `reported` with its source.',
  ),
  'binding-deal-cannot-be-denied': rule(
    'A deal at or past signing cannot be denied.',
    'Record a termination instead, with its source.',
  ),
  'status-cannot-go-back': rule('A deal status does not move back.', 'Record a termination or a new report.'),
  'milestone-on-terminated-deal': rule('A terminated deal takes no milestones.', 'Check the deal id.'),
  'milestone-on-denied-deal': rule('A denied deal takes no milestones.', 'Record a new report first.'),
  'amendment-changes-nothing': rule('Every term named already has that value.', 'Send only the terms that change.'),
  'shipment-already-recorded': exists('shipment'),
  'shipment-not-found': missing('shipment'),
  'shipment-already-shipped': rule('The shipment has already shipped.', 'Record its delivery or cancellation.'),
  'shipment-not-shipped': rule('A shipment is delivered only after it shipped.', 'Record the shipping first.'),
  'shipment-already-delivered': rule('The shipment is already delivered.', 'Nothing to record.'),
  'shipment-cancelled': rule('The shipment is cancelled; it moves no further.', 'Record a new shipment.'),
  'delivered-shipment-not-cancellable': rule(
    'A delivered shipment cannot be cancelled.',
    'Record a correction or a new shipment.',
  ),
  'quantity-not-positive': rule('A quantity must be greater than zero.', 'Send a positive quantity.'),
  'disclosure-changes-nothing': rule('Every figure disclosed is already recorded.', 'Send only figures that are new.'),
  'restriction-already-imposed': exists('restriction'),
  'restriction-not-found': missing('restriction'),
  'tariff-rate-mismatch': rule(
    'A tariff carries a positive rate, and only a tariff does.',
    'Send a rate with a tariff, and none with any other kind.',
  ),
  'restriction-lifted': rule('The restriction is lifted; it changes no further.', 'Record a new restriction.'),
  'expansion-adds-nothing': rule(
    'The restriction already covers every element and form named.',
    'Send only what is added.',
  ),
  'restriction-already-suspended': rule(
    'The restriction is already suspended.',
    'Send a new `until` to extend the suspension.',
  ),
  'dated-before-creation': rule(
    'A fact may not be dated before the entity was recorded as existing.',
    'Date it on or after the date named in `detail`, or correct the recording first.',
  ),
  'event-not-found': problem(
    404,
    'No such event',
    "No event with this id is in the entity's history.",
    "Take the event id from the entity's `history`.",
  ),
  'already-retracted': rule('That event was already retracted.', 'Nothing to do: its retraction is in the history.'),
  'retraction-not-retractable': rule('A retraction is not itself retracted.', 'To restore the fact, record it again.'),
  'restriction-not-suspended': rule('Only a suspended restriction can be reinstated.', 'Check the restriction status.'),
  'facility-already-registered': exists('facility'),
  'facility-not-found': missing('facility'),
  'facility-status-final': rule(
    'The facility is closed or cancelled; its status moves no further.',
    'Record a new facility if the plant is rebuilt or the project revived.',
  ),
  'facility-status-move-not-allowed': rule(
    'The facility cannot move from its status on that date to the one named.',
    'Read the allowed moves in the status-changes description, or record the step in between first.',
  ),
  'feed-already-linked': rule('That supplier already feeds the facility on that date.', 'Nothing to record.'),
  'feed-not-linked': rule('That supplier does not feed the facility on that date.', 'Check the facility feeds.'),
  'feed-links-itself': rule('A facility cannot feed itself.', 'Name another deposit or facility.'),
} as const satisfies Record<string, ProblemDefinition>

export const problemCatalog = { ...httpProblems, ...domainProblems } as const
export type ProblemCode = keyof typeof problemCatalog
export type HttpProblemCode = keyof typeof httpProblems

export function problemType(code: string): string {
  return `/problems/${code}`
}

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(problemCatalog, code)
}

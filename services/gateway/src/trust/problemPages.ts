import { type ProblemDefinition, problemCatalog, problemType } from '@ree/contracts'
import { HttpProblem } from '@ree/platform'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

const htmlText = (text: string) =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`).replace(/`([^`]+)`/g, '<code>$1</code>')

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlText(title)} · Rare Earth Ledger</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}dt{font-weight:600;margin-top:1rem}</style>
</head><body>${body}</body></html>
`

const entries = Object.entries(problemCatalog) as Array<[string, ProblemDefinition]>

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return /application\/(?:problem\+)?json/.test(accept) && !/text\/html/.test(accept)
}

function describe(code: string, problem: ProblemDefinition) {
  return {
    type: problemType(code),
    status: problem.status,
    title: problem.title,
    meaning: problem.meaning,
    action: problem.action,
  }
}

function answer(request: FastifyRequest, reply: FastifyReply, json: unknown, html: string) {
  reply.header('vary', 'accept')
  if (wantsJson(request)) return reply.type('application/json').send(json)
  return reply.type('text/html; charset=utf-8').send(html)
}

/** `/problems/<code>`: what each problem type means and what to do, as a page or (Accept: application/json) JSON. */
export async function problemPages(app: FastifyInstance): Promise<void> {
  app.get('/problems', { schema: { hide: true } }, async (request, reply) =>
    answer(
      request,
      reply,
      entries.map(([code, problem]) => describe(code, problem)),
      page(
        'Problem types',
        `<h1>Problem types</h1><p>Every error of the API is <code>application/problem+json</code> with one of these <code>type</code>s.</p><ul>${entries
          .map(
            ([code, problem]) =>
              `<li><a href="${problemType(code)}">${code}</a> (${problem.status}): ${htmlText(problem.title)}</li>`,
          )
          .join('')}</ul>`,
      ),
    ),
  )
  app.get<{ Params: { code: string } }>('/problems/:code', { schema: { hide: true } }, async (request, reply) => {
    const code = request.params.code
    const problem = Object.hasOwn(problemCatalog, code)
      ? problemCatalog[code as keyof typeof problemCatalog]
      : undefined
    if (!problem) throw new HttpProblem('not-found', `no problem type ${code}; /problems lists them all`)
    return answer(
      request,
      reply,
      describe(code, problem),
      page(
        problem.title,
        `<p><a href="/problems">Problem types</a></p><h1>${htmlText(problem.title)}</h1><p><code>type: ${problemType(code)}</code> · HTTP ${problem.status}</p><dl><dt>What it means</dt><dd>${htmlText(problem.meaning)}</dd><dt>What to do</dt><dd>${htmlText(problem.action)}</dd></dl>`,
      ),
    )
  })
}

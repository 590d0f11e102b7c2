import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../compose.js';
import type { ConsoleSession } from '../../domain/console/console-sessions.js';
import { ApiError } from '../../domain/errors.js';
import type { MergePreview } from '../../domain/merges/merge-preview.js';
import type { MergeInput } from '../../domain/merges/merge-service.js';
import { parseEtagList } from '../../domain/preconditions.js';
import { runWithRequestContext } from '../../lib/request-context.js';
import type { Store } from '../../store/port.js';
import { MergeCustomerBody } from '../routes/merges/schemas.js';
import { paramCheck } from '../wire/param-check.js';
import { consolePath } from './html.js';
import type { Chrome, Mode } from './layout.js';
import { mergePage, type MergeChoiceInput, type MergeView } from './pages/merge.js';
import { formField } from './session.js';

type Params = { mode: string; id: string };

export interface MergePageDeps {
  services: Services;
  unitOfWork: Store['unitOfWork'];
  sendPage(reply: FastifyReply, status: number, body: string): FastifyReply;
  sessionFor(request: FastifyRequest<{ Params: { mode: string } }>, reply: FastifyReply): Promise<ConsoleSession | undefined>;
  writerFor(request: FastifyRequest<{ Params: { mode: string } }>, reply: FastifyReply): Promise<ConsoleSession | undefined>;
  chrome(session: ConsoleSession, path: (mode: Mode) => string): Promise<Chrome>;
}

// The API route's own schema, so the console sends exactly what the API accepts, with its messages.
const checkMerge = paramCheck<MergeInput>(MergeCustomerBody);

/** The field of the confirmation form an error of the merge belongs to. */
function fieldOf(error: ApiError): NonNullable<MergeView['error']>['field'] {
  if (error.code === 'merge_external_id_conflict' || error.param === 'external_id') return 'external_id';
  if (error.param === 'prefer') return 'prefer';
  return 'form';
}

/**
 * Merging duplicates from the console (docs/console.md#merging-duplicates): a confirmation
 * page (GET) showing both customers and what moves, and its form (POST), which merges through
 * the API's merge service with If-Match on the target and source_if_match on the source from
 * the versions the page showed, the signed-in person as the actor. Only a key that may write
 * sees either; the server refuses a restricted key's POST however it is sent.
 */
export function registerMergePages(scope: FastifyInstance, deps: MergePageDeps): void {
  const { services } = deps;

  /** The confirmation page for this pair as it is now; a pair that cannot merge at all shows why. */
  async function render(reply: FastifyReply, session: ConsoleSession, view: Omit<MergeView, 'chrome' | 'preview'>, status: number) {
    let preview: MergePreview | null = null;
    let error = view.error;
    let code = status;
    try {
      preview = await services.merges.preview(session.auth, view.targetId, view.sourceId);
    } catch (failure) {
      if (!(failure instanceof ApiError) || failure.status >= 500) throw failure;
      // The merge's own refusal (shown as it was) explains more than the preview's.
      if (!error) {
        error = { message: failure.message, code: failure.code, field: 'form' };
        code = failure.status;
      }
    }
    const chrome = await deps.chrome(session, (m) => consolePath(m, 'customers'));
    return deps.sendPage(reply, code, mergePage({ ...view, chrome, preview, ...(error && { error }) }));
  }

  scope.get<{ Params: Params; Querystring: { source?: string } }>('/:mode/customers/:id/merge', async (request, reply) => {
    const session = await deps.sessionFor(request, reply);
    if (!session) return reply;
    const sourceId = typeof request.query.source === 'string' ? request.query.source : '';
    if (session.auth.restricted) {
      const chrome = await deps.chrome(session, (m) => consolePath(m, 'customers'));
      return deps.sendPage(reply, 403, mergePage({ chrome, targetId: request.params.id, sourceId, preview: null, choice: { prefer: 'target', externalId: '' }, error: readOnly }));
    }
    return render(reply, session, { targetId: request.params.id, sourceId, choice: { prefer: 'target', externalId: '' } }, 200);
  });

  scope.post<{ Params: Params }>('/:mode/customers/:id/merge', async (request, reply) => {
    const session = await deps.writerFor(request, reply);
    if (!session) return reply;
    const targetId = request.params.id;
    const body = request.body;
    const sourceId = formField(body, 'source');
    const prefer = formField(body, 'prefer') === 'source' ? 'source' : 'target';
    const externalId = formField(body, 'external_id');
    const choice: MergeChoiceInput = { prefer, externalId: externalId === 'target' || externalId === 'source' ? externalId : '' };
    const version = formField(body, 'version');
    const sourceVersion = formField(body, 'source_version');
    const view = { targetId, sourceId, choice };
    if (version === '' || sourceVersion === '') {
      const message = 'The confirmation form is incomplete (the versions it showed are missing). Open the merge again from the profile.';
      return render(reply, session, { ...view, error: { message, code: 'parameter_missing', field: 'form' } }, 400);
    }
    const context = { requestId: request.id, idempotencyKey: null, actor: session.actor, keyId: session.auth.keyId };
    try {
      const input = checkMerge(
        { source: sourceId, prefer, source_if_match: sourceVersion, ...(choice.externalId !== '' && { external_id: choice.externalId }) },
        { coerce: true },
      );
      await runWithRequestContext(context, () => deps.unitOfWork(null, () => services.merges.merge(session.auth, targetId, input, parseEtagList(version))));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      if (error.code === 'precondition_failed') return render(reply, session, { ...view, conflict: true }, 412);
      return render(reply, session, { ...view, error: { message: error.message, code: error.code, field: fieldOf(error) } }, error.status);
    }
    return reply.redirect(`${consolePath(request.params.mode, 'customers', targetId)}?merged=${encodeURIComponent(sourceId)}`, 303);
  });
}

const readOnly = {
  message: 'You signed in with a restricted key, which can only read: merging is not available.',
  code: 'read_only',
  field: 'form' as const,
};

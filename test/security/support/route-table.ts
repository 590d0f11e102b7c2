import type { FastifyInstance, HTTPMethods } from 'fastify';

/** One route of the built app, as the router holds it. */
export interface Route {
  method: string;
  /** The URL pattern as registered, e.g. `/v1/customers/:id/tax_ids/:tax_id`. */
  pattern: string;
  /** `METHOD pattern`, the key of the suite's tables. */
  key: string;
  /** Path parameter names in URL order. */
  params: string[];
  /** What the OpenAPI document says about the operation (HEAD shares its GET's). */
  doc: OperationDoc | undefined;
}

export interface OperationDoc {
  /** Query parameters the operation requires. */
  requiredQuery: string[];
  /** The list cursors it takes (`starting_after`, `ending_before`); empty for non-lists. */
  cursors: string[];
  /** For a list: the component schema of its items (`Customer`, `TaxId`, …). */
  listItemSchema: string | undefined;
}

export const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const TREE_LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.+)$/;
const NODE = /^(.*?)(?: \(([A-Z, ]+)\))?$/;

/**
 * Every route the router holds, read from `printRoutes({ commonPrefix: false })`: one line per
 * node, indented four characters per level, a node's path relative to its parent and its
 * methods in parentheses. Fastify has no public "list routes" call after ready(), and the app
 * is built inside buildApp() where no onRoute hook can be added from a test; the tree is the
 * router's own view, so hidden routes and the automatic HEAD routes are in it too.
 */
export function routesOf(app: FastifyInstance): Array<{ method: string; pattern: string }> {
  const text = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: Array<{ method: string; pattern: string }> = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const tree = TREE_LINE.exec(line);
    if (!tree) throw new Error(`route table: cannot read this line of printRoutes():\n${line}`);
    const depth = (tree[1] ?? '').length / 4;
    const node = NODE.exec(tree[2] ?? '');
    const segment = node?.[1] ?? '';
    const path = (depth === 0 ? '' : (stack[depth - 1] ?? '')) + segment;
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (node?.[2] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) routes.push({ method, pattern: path });
  }
  return routes;
}

interface OpenApiParameter {
  in: string;
  name: string;
  required?: boolean;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  responses?: Record<string, { content?: Record<string, { schema?: { properties?: { data?: { items?: { $ref?: string } } } } }> }>;
}

type OpenApiDocument = { paths?: Record<string, Record<string, OpenApiOperation>> };

function operationDoc(operation: OpenApiOperation): OperationDoc {
  const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
  const ref = operation.responses?.['200']?.content?.['application/json']?.schema?.properties?.data?.items?.$ref;
  return {
    requiredQuery: query.filter((p) => p.required).map((p) => p.name),
    cursors: query.map((p) => p.name).filter((n) => n === 'starting_after' || n === 'ending_before'),
    listItemSchema: ref?.split('/').pop(),
  };
}

const toOpenApiPath = (pattern: string) => pattern.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Every `/v1` route of the app with what its OpenAPI operation says about it. Fails loudly if
 * the tree and the app disagree: a parsed route the router does not find, or a documented
 * operation the parse missed (then printRoutes changed format and the parser must follow).
 */
export function v1RouteTable(app: FastifyInstance): Route[] {
  const doc = app.swagger() as OpenApiDocument;
  const routes = routesOf(app).filter((r) => r.pattern.startsWith('/v1/'));
  for (const r of routes) {
    if (!app.hasRoute({ method: r.method as HTTPMethods, url: r.pattern })) {
      throw new Error(`route table: printRoutes() listed ${r.method} ${r.pattern}, which the router does not have`);
    }
  }
  const parsed = new Set(routes.map((r) => `${r.method} ${toOpenApiPath(r.pattern)}`));
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/v1/')) continue;
    for (const method of Object.keys(operations)) {
      if (!parsed.has(`${method.toUpperCase()} ${path}`)) {
        throw new Error(`route table: the OpenAPI document has ${method.toUpperCase()} ${path} but printRoutes() did not yield it`);
      }
    }
  }
  return routes
    .map((r) => {
      const docMethod = r.method === 'HEAD' ? 'get' : r.method.toLowerCase();
      const operation = doc.paths?.[toOpenApiPath(r.pattern)]?.[docMethod];
      return {
        method: r.method,
        pattern: r.pattern,
        key: `${r.method} ${r.pattern}`,
        params: [...r.pattern.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string),
        doc: operation && operationDoc(operation),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Factory = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's response serializer factory (fast-json-stringify), compiling each distinct response
 * schema once per set of shared schemas instead of once per route and status (Fastify asks the
 * factory anew for every route, HEAD routes included). Most responses are a reference to a
 * shared schema (`Customer`, `Charge`, the error envelope of every route's 4xx and 5xx), whose
 * compiled code is large; compiling each only once keeps the server's start (and every test
 * app's) short as resources are added. The same schema with the same shared schemas always
 * compiles to the same serializer, so reusing it changes no response.
 */
export function sharedSerializers(): Factory {
  const build = SerializerSelector();
  const compiled = new Map<string, ReturnType<ReturnType<Factory>>>();
  // Shared schemas by identity: Fastify hands each route a fresh object holding the same ones.
  const identities = new WeakMap<object, number>();
  let next = 0;
  const identityOf = (schema: object) => {
    let id = identities.get(schema);
    if (id === undefined) {
      id = ++next;
      identities.set(schema, id);
    }
    return id;
  };
  return (externalSchemas, options) => {
    const shared = Object.values((externalSchemas ?? {}) as Record<string, object>);
    const sharedKey = shared.map(identityOf).join(',');
    let compile: ReturnType<Factory> | undefined;
    return (route) => {
      const key = `${sharedKey}|${JSON.stringify(options ?? {})}|${JSON.stringify(route.schema)}`;
      let serializer = compiled.get(key);
      if (!serializer) {
        compile ??= build(externalSchemas, options);
        serializer = compile(route);
        compiled.set(key, serializer);
      }
      return serializer;
    };
  };
}

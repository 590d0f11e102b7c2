import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Factory = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's response serializer factory (fast-json-stringify), compiling each distinct response
 * schema once per set of shared schemas instead of once per route and status (Fastify asks the
 * factory anew for every route, HEAD routes included). Most responses are a reference to a
 * shared schema (`Customer`, `Charge`, the error envelope of every route's 4xx and 5xx), whose
 * compiled code is large; compiling each only once keeps the server's start short as resources
 * are added. One factory serves every app a process builds (src/app.ts), so the test suite's
 * hundreds of apps compile them once. The same schema with the same shared schemas always
 * compiles to the same serializer, so reusing it changes no response.
 */
export function sharedSerializers(): Factory {
  const build = SerializerSelector();
  const compiled = new Map<string, ReturnType<ReturnType<Factory>>>();
  // Shared schemas by content: Fastify hands each route a fresh object holding the same ones,
  // and each app its own copies of them, so identity would match only within one app. Each
  // object's text is taken once; equal texts get one number.
  const texts = new WeakMap<object, number>();
  const numbers = new Map<string, number>();
  const numberOf = (schema: object) => {
    let n = texts.get(schema);
    if (n === undefined) {
      const text = JSON.stringify(schema);
      n = numbers.get(text) ?? numbers.size + 1;
      numbers.set(text, n);
      texts.set(schema, n);
    }
    return n;
  };
  return (externalSchemas, options) => {
    const shared = Object.entries((externalSchemas ?? {}) as Record<string, object>);
    const sharedKey = shared.map(([name, schema]) => `${name}=${numberOf(schema)}`).join(',');
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

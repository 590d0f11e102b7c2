import AjvCompiler from '@fastify/ajv-compiler';

type Factory = ReturnType<typeof AjvCompiler>;
type Compile = ReturnType<Factory>;

/**
 * Fastify's request validator factory (Ajv, through @fastify/ajv-compiler, as Fastify's own
 * default), compiling each distinct route schema once per set of shared schemas and options for
 * every app the process builds (src/app.ts): a server builds one, the test suite hundreds, and
 * compiling the schemas was a third of each one's start. Fastify hands every app its own copies
 * of the shared schemas, so they are told apart by content. An Ajv validator keeps no state
 * between calls but its last `errors`, which Fastify reads right after the call.
 */
export function sharedValidators(): Factory {
  const build = AjvCompiler();
  const compiled = new Map<string, ReturnType<Compile>>();
  const texts = new WeakMap<object, string>();
  const textOf = (value: object) => {
    let text = texts.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      texts.set(value, text);
    }
    return text;
  };
  return (externalSchemas, options) => {
    const sharedKey = `${textOf((externalSchemas ?? {}) as object)}|${JSON.stringify(options ?? {})}`;
    let compile: Compile | undefined;
    return (route) => {
      const key = `${sharedKey}|${route.httpPart ?? ''}|${JSON.stringify(route.schema)}`;
      let validator = compiled.get(key);
      if (!validator) {
        compile ??= build(externalSchemas, options);
        validator = compile(route);
        compiled.set(key, validator);
      }
      return validator;
    };
  };
}

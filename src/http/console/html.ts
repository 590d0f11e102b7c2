/** The console's templates are the shared escaping templates of src/http/web/html.ts. */
export { Html, html, consolePath, withQuery, type Renderable } from '../web/html.js';

import type { FastifyInstance } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import { ApiError } from './errors';

const noHandler = () => undefined;

/** How many parameters a route pattern has: the router prefers the pattern with fewer. */
const parameterCount = (pattern: string) => pattern.split(/[:*]/).length - 1;

/**
 * A method a known path does not serve is 405 with `Allow`, not 404: the path is matched
 * against every route the app has, as its own router matches them, and `Allow` names the
 * methods of the most specific pattern it matches: `PUT .../telephone-number/search` is a 405
 * naming GET, not a number update of "search".
 */
export function answerOtherMethodsWith405(app: FastifyInstance): void {
  const routes = FindMyWay();
  const methods = new Set<HTTPMethod>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat().map((name) => name.toUpperCase() as HTTPMethod)) {
      routes.on(method, route.url, noHandler, { pattern: route.url });
      methods.add(method);
    }
  });
  app.addHook('onRequest', (request, _reply, done) => {
    const routed = request.is404 ? undefined : request.routeOptions.url;
    // A catch-all (CORS preflight's `OPTIONS /codec/*`) is meant to answer what it matches.
    if (routed?.includes('*')) return done();
    const path = request.url.split('?')[0] ?? request.url;
    const matches = [...methods].flatMap((method) => {
      const store = routes.find(method, path)?.store as { pattern: string } | undefined;
      return store ? [{ method, pattern: store.pattern }] : [];
    });
    const [best] = matches
      .map((match) => match.pattern)
      .sort((a, b) => parameterCount(a) - parameterCount(b));
    // Served by the path's own route, or a path no route knows: nothing to say here.
    if (best === undefined || best === routed) return done();
    const allowed = matches.filter((match) => match.pattern === best).map((match) => match.method);
    done(
      new ApiError(
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not served here: ${allowed.join(', ')}`,
        { allowed },
        { allow: allowed.join(', ') },
      ),
    );
  });
}

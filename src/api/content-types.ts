import type { FastifyInstance } from 'fastify';

/**
 * Request bodies are JSON and nothing else: another content type is refused (see errors.ts)
 * rather than handed to a route as a string. An empty body with a JSON content type is no
 * body, as many clients send one on DELETE.
 */
export function acceptJsonBodiesOnly(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    void parseJson(request, text, done);
  });
}

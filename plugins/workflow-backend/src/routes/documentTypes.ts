import Router from 'express-promise-router';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { DocumentTypes } from '../service/documentTypes';

/** GET /document-types: what can be approved (for the flow designer and the lists' filters); any signed-in user. */
export function createDocumentTypesRouter(deps: { documentTypes: DocumentTypes; httpAuth: HttpAuthService }) {
  const router = Router();
  router.get('/document-types', async (req, res) => {
    await deps.httpAuth.credentials(req, { allow: ['user'] });
    const items = [...deps.documentTypes.values()].sort((a, b) => a.type.localeCompare(b.type));
    res.json({ items });
  });
  return router;
}

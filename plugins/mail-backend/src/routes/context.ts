import type express from 'express';
import type { BackstageCredentials, HttpAuthService } from '@backstage/backend-plugin-api';

/** Who is calling, as every mail route needs it. */
export interface RequestContext {
  credentials: BackstageCredentials<{ type: 'user'; userEntityRef: string }>;
  actor: string;
}

/** The mail API answers signed-in users; plugin-to-plugin calls come on behalf of one (the CRM timeline). */
export async function userContext(httpAuth: HttpAuthService, req: express.Request): Promise<RequestContext> {
  const credentials = await httpAuth.credentials(req, { allow: ['user'] });
  return { credentials, actor: credentials.principal.userEntityRef };
}

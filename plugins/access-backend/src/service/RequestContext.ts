import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AccessLocale } from '@cocrm/plugin-access-common';

/** Who is calling, as the services need it. */
export interface RequestContext {
  credentials: BackstageCredentials;
  /** user entity ref, or `service:<subject>` for plugin-to-plugin calls */
  actor: string;
  /** set for signed-in users only */
  userRef?: string;
  locale: AccessLocale;
}

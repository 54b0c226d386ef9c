import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CrmLocale } from '@cocrm/plugin-crm-common';

/** Who is calling, as the services need it. */
export interface RequestContext {
  credentials: BackstageCredentials;
  /** user entity ref, or `service:<subject>` for plugin-to-plugin calls */
  actor: string;
  locale: CrmLocale;
}

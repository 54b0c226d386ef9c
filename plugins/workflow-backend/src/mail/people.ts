import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { OrgSource } from '../service/RoutePlanner';

/** Who people are, for texts sent to them: names from the org, mail addresses from the catalog. */
export interface PeopleDirectory {
  /** display names of users and departments (the ref itself when unknown) */
  names(): Promise<(ref: string) => string>;
  /** `spec.profile.email` of the user's catalog entity, if any */
  email(userRef: string): Promise<string | null>;
}

export function peopleDirectory(org: OrgSource, email: (userRef: string) => Promise<string | null> = async () => null): PeopleDirectory {
  return {
    async names() {
      const snapshot = await org.snapshot();
      return ref => snapshot.users.get(ref)?.displayName ?? snapshot.departments.get(ref)?.displayName ?? ref;
    },
    email,
  };
}

/** Mail addresses straight from the catalog (the org snapshot does not carry them). */
export function catalogEmails(catalog: Pick<CatalogService, 'getEntityByRef'>, auth: Pick<AuthService, 'getOwnServiceCredentials'>) {
  return async (userRef: string): Promise<string | null> => {
    const entity = await catalog.getEntityByRef(userRef, { credentials: await auth.getOwnServiceCredentials() });
    const email = (entity?.spec?.profile as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' && email.includes('@') ? email : null;
  };
}

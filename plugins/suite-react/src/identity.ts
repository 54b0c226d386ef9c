import { useEffect, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';

/** The signed-in user's entity ref, once known. */
export function useCurrentUserRef(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const [ref, setRef] = useState<string>();
  useEffect(() => {
    let live = true;
    identityApi.getBackstageIdentity().then(
      id => live && setRef(id.userEntityRef),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [identityApi]);
  return ref;
}

import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi } from '@backstage/frontend-plugin-api';
import { mailApiRef } from '../../api/MailClient';
import type { ComposeMode, MailAddress } from '../../api/types';
import { useMailLinks } from '../../routes';

/** Where the compose page goes back to after sending or discarding. */
export interface ComposeReturn {
  returnTo?: string;
}

/**
 * Starts a draft on the server (reply and forward come back prefilled) and
 * opens it; the draft exists from the first moment, so autosave has an id.
 */
export function useStartCompose() {
  const api = useApi(mailApiRef);
  const navigate = useNavigate();
  const links = useMailLinks();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const start = useCallback(
    async (input: {
      accountId: string;
      mode: ComposeMode;
      sourceMessageId?: string;
      to?: MailAddress[];
      customerId?: string;
      returnTo?: string;
      /** the compose page takes the place of the page that started it (a link that only creates the draft) */
      replace?: boolean;
    }) => {
      setBusy(true);
      setError(undefined);
      try {
        const draft = await api.createDraft({
          accountId: input.accountId,
          mode: input.mode,
          ...(input.sourceMessageId ? { sourceMessageId: input.sourceMessageId } : {}),
          ...(input.to?.length ? { to: input.to } : {}),
          ...(input.customerId ? { customerId: input.customerId } : {}),
        });
        const state: ComposeReturn = { returnTo: input.returnTo };
        navigate(links.compose(draft.id), { state, replace: input.replace });
      } catch (e) {
        setError(e);
      } finally {
        setBusy(false);
      }
    },
    [api, navigate, links],
  );

  return { start, busy, error, clearError: () => setError(undefined) };
}

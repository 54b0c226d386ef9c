import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useApi } from '@backstage/frontend-plugin-api';
import { mailApiRef } from '../../api/MailClient';
import type { ComposeMode } from '../../api/types';
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
    async (input: { accountId: string; mode: ComposeMode; sourceMessageId?: string; returnTo?: string }) => {
      setBusy(true);
      setError(undefined);
      try {
        const draft = await api.createDraft({
          accountId: input.accountId,
          mode: input.mode,
          ...(input.sourceMessageId ? { sourceMessageId: input.sourceMessageId } : {}),
        });
        const state: ComposeReturn = { returnTo: input.returnTo };
        navigate(links.compose(draft.id), { state });
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

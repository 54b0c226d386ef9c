import { createContext, ReactNode, useCallback, useContext, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';

export interface Notification {
  message: string;
  severity?: 'success' | 'info' | 'warning' | 'error';
  /** e.g. 撤销 after a delete */
  action?: { label: string; onClick: () => void };
}

const NotifyContext = createContext<(n: Notification) => void>(() => undefined);

/** Snackbar notifications for a plugin's page; one at a time, the newest wins. */
export function NotifyProvider({ children, testId }: { children: ReactNode; testId?: string }) {
  const [note, setNote] = useState<(Notification & { key: number }) | null>(null);
  const notify = useCallback((n: Notification) => setNote({ ...n, key: Date.now() }), []);
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <Snackbar
        key={note?.key}
        open={!!note}
        // an action needs time to be read and reached
        autoHideDuration={note?.action ? 8000 : 4000}
        onClose={(_, reason) => reason !== 'clickaway' && setNote(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
      >
        <Alert
          severity={note?.severity ?? 'success'}
          variant="filled"
          onClose={() => setNote(null)}
          data-testid={testId}
          action={
            note?.action && (
              <Button
                color="inherit"
                size="small"
                onClick={() => {
                  note.action!.onClick();
                  setNote(null);
                }}
              >
                {note.action.label}
              </Button>
            )
          }
        >
          {note?.message}
        </Alert>
      </Snackbar>
    </NotifyContext.Provider>
  );
}

export function useNotify() {
  return useContext(NotifyContext);
}

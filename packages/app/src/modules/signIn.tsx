import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  configApiRef,
  microsoftAuthApiRef,
  useApi,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { appShellTranslationRef } from '../translation';

/** localStorage key holding the chosen demo user's name. */
export const DEMO_USER_KEY = 'cocrm.demoUser';

export interface DemoUser {
  ref: string;
  name: string;
  displayName: string;
  title?: string;
  department?: string;
}

function readStoredUser(): string | null {
  try {
    return window.localStorage.getItem(DEMO_USER_KEY);
  } catch {
    return null;
  }
}

export function clearDemoUser() {
  try {
    window.localStorage.removeItem(DEMO_USER_KEY);
  } catch {
    // ignore
  }
}

function DemoUserChooser(props: { onChoose: (name: string) => void }) {
  const { t } = useTranslationRef(appShellTranslationRef);
  const config = useApi(configApiRef);
  const baseUrl = config.getString('backend.baseUrl');
  const [users, setUsers] = useState<DemoUser[]>();
  const [error, setError] = useState<Error>();
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let live = true;
    setError(undefined);
    fetch(`${baseUrl}/api/demo-sign-in/users`)
      .then(async res => {
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        return (await res.json()) as DemoUser[];
      })
      .then(
        u => live && setUsers(u),
        e => live && setError(e),
      );
    return () => {
      live = false;
    };
  }, [baseUrl, nonce]);

  // right after the first start the catalog has not read the org yet: ask again until it has
  const waitingForOrg = users !== undefined && users.length === 0;
  useEffect(() => {
    if (!waitingForOrg) return undefined;
    const timer = setTimeout(() => setNonce(n => n + 1), 3000);
    return () => clearTimeout(timer);
  }, [waitingForOrg, nonce]);

  const groups = useMemo(() => {
    const map = new Map<string, DemoUser[]>();
    for (const u of users ?? []) {
      const dept = u.department || t('signIn.noDepartment');
      map.set(dept, [...(map.get(dept) ?? []), u]);
    }
    return [...map.entries()];
  }, [users, t]);

  return (
    <Box sx={{ minHeight: '100vh', display: 'flex', justifyContent: 'center', alignItems: 'flex-start', p: 4, bgcolor: 'background.default' }}>
      <Paper sx={{ p: 4, width: '100%', maxWidth: 880 }} data-testid="demo-sign-in">
        <Typography variant="h4" component="h1" gutterBottom>
          {t('signIn.title')}
        </Typography>
        <Typography variant="h6" component="h2">
          {t('signIn.chooseDemoUser')}
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 3 }}>
          {t('signIn.demoHint')}
        </Typography>
        {error && (
          <Alert
            severity="error"
            action={
              <Button color="inherit" size="small" onClick={() => setNonce(n => n + 1)}>
                {t('signIn.retry')}
              </Button>
            }
          >
            {t('signIn.loadFailed', { message: error.message })}
          </Alert>
        )}
        {!users && !error && <CircularProgress />}
        {waitingForOrg && !error && (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2 }} data-testid="demo-org-loading">
            <CircularProgress size={20} />
            <Typography color="text.secondary">{t('signIn.orgLoading')}</Typography>
          </Box>
        )}
        {groups.map(([dept, list]) => (
          <Box key={dept} sx={{ mb: 3 }}>
            <Typography variant="subtitle1" sx={{ fontWeight: 600, mb: 1 }}>
              {dept}
            </Typography>
            <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
              {list.map(u => (
                <Button
                  key={u.name}
                  variant="outlined"
                  onClick={() => props.onChoose(u.name)}
                  data-testid={`demo-user-${u.name}`}
                  sx={{ flexDirection: 'column', alignItems: 'flex-start', textTransform: 'none', minWidth: 150 }}
                >
                  <span>{u.displayName}</span>
                  {u.title && (
                    <Typography variant="caption" color="text.secondary">
                      {u.title}
                    </Typography>
                  )}
                </Button>
              ))}
            </Box>
          </Box>
        ))}
      </Paper>
    </Box>
  );
}

function DemoSignInPage(props: SignInPageProps) {
  const { t } = useTranslationRef(appShellTranslationRef);
  const [user, setUser] = useState<string | null>(() => readStoredUser());
  const choose = useCallback((name: string) => {
    try {
      window.localStorage.setItem(DEMO_USER_KEY, name);
    } catch {
      // private mode: sign in anyway
    }
    setUser(name);
  }, []);
  const switchUser = useCallback(() => {
    clearDemoUser();
    setUser(null);
  }, []);

  if (!user) return <DemoUserChooser onChoose={choose} />;

  const ErrorComponent = ({ error }: { error?: Error }) => (
    <Box sx={{ p: 4, maxWidth: 640, mx: 'auto' }}>
      <Alert
        severity="error"
        action={
          <Button color="inherit" size="small" onClick={switchUser} data-testid="demo-switch-user">
            {t('signIn.switchUser')}
          </Button>
        }
      >
        {t('signIn.failed', { message: error?.message ?? '' })}
      </Alert>
    </Box>
  );

  return (
    <Box>
      <Box sx={{ display: 'flex', justifyContent: 'center', alignItems: 'center', gap: 2, p: 2 }}>
        <Typography color="text.secondary">{t('signIn.signingInAs', { name: user })}</Typography>
        <Button size="small" onClick={switchUser} data-testid="demo-switch-user">
          {t('signIn.switchUser')}
        </Button>
      </Box>
      <ProxiedSignInPage
        key={user}
        {...props}
        provider="demo"
        headers={{ 'x-demo-user': user }}
        ErrorComponent={ErrorComponent}
      />
    </Box>
  );
}

function MicrosoftSignInPage(props: SignInPageProps) {
  const { t } = useTranslationRef(appShellTranslationRef);
  return (
    <SignInPage
      {...props}
      title={t('signIn.title')}
      align="center"
      providers={[
        {
          id: 'microsoft-auth-provider',
          title: t('signIn.microsoftTitle'),
          message: t('signIn.microsoftMessage'),
          apiRef: microsoftAuthApiRef,
        },
      ]}
    />
  );
}

/** Chooses the sign-in flavour from `app.signIn.mode` (demo | microsoft). */
export function CocrmSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const mode = config.getOptionalString('app.signIn.mode') ?? 'demo';
  if (mode === 'microsoft') return <MicrosoftSignInPage {...props} />;
  return <DemoSignInPage {...props} />;
}

export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => CocrmSignInPage,
  },
});

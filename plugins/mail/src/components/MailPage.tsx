import { useEffect, useState } from 'react';
import { Route, Routes, useLocation } from 'react-router-dom';
import Box from '@mui/material/Box';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import Typography from '@mui/material/Typography';
import MenuIcon from '@mui/icons-material/Menu';
import { MailboxNav } from './MailboxNav';
import { AccountsPage } from './accounts/AccountsPage';
import { NotifyProvider } from './common/feedback';
import { useMailT } from './common/i18n';
import { MailboxesProvider } from './common/mailboxes';
import { ComposeNewPage } from './compose/ComposeNewPage';
import { ComposePage } from './compose/ComposePage';
import { InboxPage } from './inbox/InboxPage';
import { RoutedThreadPage } from './inbox/RoutedThreadPage';
import { KnowledgeItemPage, KnowledgeListPage } from './knowledge/KnowledgePage';
import { LeadSuggestionsPage } from './leads/LeadSuggestionsPage';
import { DraftsPage } from './outbox/DraftsPage';
import { OutboxPage } from './outbox/OutboxPage';

/** On small screens the mailboxes pane is a drawer behind a menu button; it closes on every navigation. */
function SmallScreenNav() {
  const { t } = useMailT();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setOpen(false), [location.pathname, location.search]);
  return (
    <Box
      sx={{
        display: { xs: 'flex', md: 'none' },
        alignItems: 'center',
        gap: 1,
        px: 1,
        py: 0.5,
        borderBottom: 1,
        borderColor: 'divider',
      }}
    >
      <IconButton onClick={() => setOpen(true)} aria-label={t('nav.mailboxes')} data-testid="mail-nav-open">
        <MenuIcon />
      </IconButton>
      <Typography variant="h6" component="span">
        {t('page.title')}
      </Typography>
      <Drawer open={open} onClose={() => setOpen(false)}>
        <Box sx={{ width: 280, p: 1.5 }}>
          <MailboxNav />
        </Box>
      </Drawer>
    </Box>
  );
}

/**
 * 邮件: the mailboxes pane on the left of every view; the inbox's list and
 * reading panes, compose, drafts, outbox, knowledge, lead suggestions and
 * mailbox settings on the right.
 */
export function MailPage() {
  return (
    <NotifyProvider>
      <MailboxesProvider>
        <Box
          data-testid="mail-page"
          sx={{
            display: 'flex',
            height: '100vh',
            minHeight: 480,
            overflow: 'hidden',
            bgcolor: 'background.default',
          }}
        >
          <Box
            sx={{
              width: 248,
              flex: '0 0 248px',
              display: { xs: 'none', md: 'block' },
              borderRight: 1,
              borderColor: 'divider',
              overflowY: 'auto',
              p: 1.5,
            }}
          >
            <MailboxNav />
          </Box>
          <Box
            sx={{
              flex: 1,
              minWidth: 0,
              minHeight: 0,
              display: 'flex',
              flexDirection: 'column',
            }}
          >
            <SmallScreenNav />
            <Box sx={{ flex: 1, minHeight: 0, overflowY: 'auto' }}>
              <Routes>
                <Route path="/" element={<InboxPage />} />
                <Route path="/threads/:threadId" element={<InboxPage />} />
                <Route path="/customers/:customerId/threads/:threadId" element={<RoutedThreadPage />} />
                <Route path="/compose/new" element={<ComposeNewPage />} />
                <Route path="/compose/:draftId" element={<ComposePage />} />
                <Route path="/drafts" element={<DraftsPage />} />
                <Route path="/outbox" element={<OutboxPage />} />
                <Route path="/knowledge" element={<KnowledgeListPage />} />
                <Route path="/knowledge/:id" element={<KnowledgeItemPage />} />
                <Route path="/leads" element={<LeadSuggestionsPage />} />
                <Route path="/accounts" element={<AccountsPage />} />
              </Routes>
            </Box>
          </Box>
        </Box>
      </MailboxesProvider>
    </NotifyProvider>
  );
}

export default MailPage;

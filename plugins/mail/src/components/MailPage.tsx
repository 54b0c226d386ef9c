import { Route, Routes } from 'react-router-dom';
import Box from '@mui/material/Box';
import { MailboxNav } from './MailboxNav';
import { AccountsPage } from './accounts/AccountsPage';
import { NotifyProvider } from './common/feedback';
import { MailboxesProvider } from './common/mailboxes';
import { ComposePage } from './compose/ComposePage';
import { InboxPage } from './inbox/InboxPage';
import { KnowledgeItemPage, KnowledgeListPage } from './knowledge/KnowledgePage';
import { DraftsPage } from './outbox/DraftsPage';
import { OutboxPage } from './outbox/OutboxPage';

/**
 * 邮件: the mailboxes pane on the left of every view; the inbox's list and
 * reading panes, compose, drafts, outbox, knowledge and mailbox settings on
 * the right.
 */
export function MailPage() {
  return (
    <NotifyProvider>
      <MailboxesProvider>
        <Box
          data-testid="mail-page"
          sx={{ display: 'flex', height: '100vh', minHeight: 480, overflow: 'hidden', bgcolor: 'background.default' }}
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
          <Box sx={{ flex: 1, minWidth: 0, minHeight: 0, overflowY: 'auto' }}>
            <Routes>
              <Route path="/" element={<InboxPage />} />
              <Route path="/threads/:threadId" element={<InboxPage />} />
              <Route path="/compose/:draftId" element={<ComposePage />} />
              <Route path="/drafts" element={<DraftsPage />} />
              <Route path="/outbox" element={<OutboxPage />} />
              <Route path="/knowledge" element={<KnowledgeListPage />} />
              <Route path="/knowledge/:id" element={<KnowledgeItemPage />} />
              <Route path="/accounts" element={<AccountsPage />} />
            </Routes>
          </Box>
        </Box>
      </MailboxesProvider>
    </NotifyProvider>
  );
}

export default MailPage;

import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';

/** One message to place in a mailbox, as a delivery agent would. */
export interface MaildirMessage {
  raw: Buffer;
  /** IMAP system flags; stored as the maildir info letters */
  flags?: Array<'\\Seen' | '\\Flagged' | '\\Answered'>;
  /** becomes the file's mtime, which Dovecot reports as INTERNALDATE */
  date?: Date;
}

const FLAG_LETTERS: Record<string, string> = { '\\Answered': 'R', '\\Flagged': 'F', '\\Seen': 'S' };

/** Maildir++ (Dovecot's default layout): INBOX is the user's root, other folders are `.Name`. */
export function maildirFolder(mailRoot: string, user: string, folder: string): string {
  return folder.toUpperCase() === 'INBOX' ? path.join(mailRoot, user) : path.join(mailRoot, user, `.${folder.replace(/\//g, '.')}`);
}

/**
 * Writes messages straight into a Dovecot user's maildir: 10,000 files take
 * well under a second, where 10,000 IMAP APPENDs take minutes. Dovecot assigns
 * UIDs in file-name order when the folder is first opened; names follow the
 * maildir convention `<secs>.M<usecs>P<pid>Q<n>.<host>,S=<size>:2,<flags>` so
 * Dovecot takes the size from the name instead of stat-ing every file.
 * Call before the first IMAP login of the user (Dovecot would otherwise find
 * the files on its next scan, which also works but is not what we measure).
 */
export function fillMaildir(mailRoot: string, user: string, folder: string, messages: MaildirMessage[], start = 0): void {
  const dir = maildirFolder(mailRoot, user, folder);
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const base = 1_767_225_600; // 2026-01-01T00:00:00Z: fixed, so file names (and UID order) are reproducible
  messages.forEach((m, i) => {
    const n = start + i;
    const flags = (m.flags ?? []).map(f => FLAG_LETTERS[f]).sort().join('');
    const name = `${base + n}.M${String(n % 1_000_000).padStart(6, '0')}P1Q${n}.cocrm,S=${m.raw.length}:2,${flags}`;
    const file = path.join(dir, 'cur', name);
    fs.writeFileSync(file, m.raw);
    if (m.date) fs.utimesSync(file, m.date, m.date);
  });
}

/** Dovecot runs the mail processes as nobody (see dovecot.ts): it must own what we wrote. */
export function chownMail(mailRoot: string, user: string): void {
  execFileSync('chown', ['-R', 'nobody:nogroup', path.join(mailRoot, user)]);
}

import net, { AddressInfo } from 'net';
import { SMTPServer } from 'smtp-server';

export interface Delivery {
  from: string;
  to: string[];
  /** the message exactly as the server received it (dot-stuffing undone) */
  raw: Buffer;
  user: string | undefined;
}

/**
 * A real SMTP server (smtp-server) on a free local port: keeps every message
 * it accepted, checks a login when `credentials` are set, and can be told to
 * refuse recipients (a 5xx on RCPT, as a server does for an unknown mailbox).
 */
export class TestSmtpServer {
  readonly deliveries: Delivery[] = [];
  /** while set, every RCPT TO is answered with this code */
  refuseRecipients: number | null = null;
  port = 0;
  private server?: SMTPServer;

  /** `login` given: AUTH is required and checked with it */
  constructor(private readonly login?: (user: string, password: string) => boolean) {}

  async start(): Promise<this> {
    const login = this.login;
    this.server = new SMTPServer({
      logger: false,
      disabledCommands: login ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !login,
      allowInsecureAuth: true,
      onAuth: (auth, _session, callback) => {
        if (login && auth.username && login(auth.username, auth.password ?? '')) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.refuseRecipients) callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: this.refuseRecipients }));
        else callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.deliveries.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map(r => r.address),
            raw: Buffer.concat(chunks),
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Deliveries whose raw message carries this Message-ID. */
  withMessageId(id: string): Delivery[] {
    return this.deliveries.filter(d => d.raw.toString('latin1').replace(/\r?\n[ \t]+/g, ' ').includes(`Message-ID: ${id}`));
  }
}

/**
 * A server that takes the whole message and then drops the connection
 * instead of answering the final dot: the one case where nobody knows
 * whether the mail was accepted.
 */
export class DroppingSmtpServer {
  dataReceived = 0;
  port = 0;
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  async start(): Promise<this> {
    this.server = net.createServer(socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let inData = false;
      let buffer = '';
      socket.write('220 drop.test ESMTP\r\n');
      socket.on('data', chunk => {
        buffer += chunk.toString('latin1');
        if (inData) {
          if (buffer.includes('\r\n.\r\n')) {
            this.dataReceived++;
            socket.destroy();
          }
          return;
        }
        let nl = buffer.indexOf('\r\n');
        while (nl >= 0 && !inData) {
          const line = buffer.slice(0, nl).toUpperCase();
          buffer = buffer.slice(nl + 2);
          if (line.startsWith('EHLO')) socket.write('250-drop.test\r\n250 8BITMIME\r\n');
          else if (line.startsWith('HELO') || line.startsWith('MAIL') || line.startsWith('RCPT') || line.startsWith('RSET')) socket.write('250 OK\r\n');
          else if (line.startsWith('DATA')) {
            socket.write('354 go ahead\r\n');
            inData = true;
          } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
          else socket.write('502 not implemented\r\n');
          nl = buffer.indexOf('\r\n');
        }
        if (inData && buffer.includes('\r\n.\r\n')) {
          this.dataReceived++;
          socket.destroy();
        }
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A local port nobody listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>(resolve => srv.close(() => resolve()));
  return port;
}

// The attestation messages this agent sent and received, in conversations (migration 0214), and the kid of its
// messaging key. Reads and writes for messaging.ts.
import type { AttestationMessage } from "../core/identity/messages/index.ts";
import type { Store } from "../core/store/index.ts";

export interface StoredMessage {
  direction: "in" | "out";
  sender: string;
  recipient: string;
  jti: string;
  identifier: string;
  replyTo: string | null;
  threadId: string;
  type: string;
  encrypted: boolean;
  at: string;
  message: AttestationMessage;
}

export interface Conversation {
  threadId: string;
  peer: string;
  messages: number;
  lastAt: string;
  lastType: string;
}

export interface KeysetPage {
  limit: number;
  after: readonly [string, string] | undefined;
}

interface MessageRow {
  direction: string;
  sender: string;
  recipient: string;
  jti: string;
  identifier: string;
  reply_to: string | null;
  thread_id: string;
  type: string;
  encrypted: number | boolean;
  at: string;
  message: string;
}

const recordOf = (row: MessageRow): StoredMessage => ({
  direction: row.direction === "out" ? "out" : "in",
  sender: row.sender,
  recipient: row.recipient,
  jti: row.jti,
  identifier: row.identifier,
  replyTo: row.reply_to,
  threadId: row.thread_id,
  type: row.type,
  encrypted: row.encrypted === true || Number(row.encrypted) === 1,
  at: row.at,
  message: JSON.parse(row.message) as AttestationMessage,
});

export class MessageRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Keeps the reply endpoint a peer signed into a message (migration 0217, identity_message_contacts). */
  async keepReplyEndpoint(peer: string, endpoint: string): Promise<void> {
    await this.#store.exec(
      `INSERT INTO identity_message_contacts (peer, reply_endpoint, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (peer) DO UPDATE SET reply_endpoint = excluded.reply_endpoint, updated_at = excluded.updated_at`,
      [peer, endpoint, new Date().toISOString()],
    );
  }

  async replyEndpoint(peer: string): Promise<string | undefined> {
    const row = await this.#store.one<{ reply_endpoint: string }>(
      "SELECT reply_endpoint FROM identity_message_contacts WHERE peer = $1",
      [peer],
    );
    return row?.reply_endpoint;
  }

  async messagingKid(): Promise<string | undefined> {
    return (await this.#store.one<{ kid: string }>("SELECT kid FROM identity_messaging_key WHERE slot = 1"))?.kid;
  }

  /** Records `kid` as the messaging key unless one is already; answers the one kept (the first recorded wins). */
  async keepMessagingKid(kid: string): Promise<string> {
    await this.#store.exec("INSERT INTO identity_messaging_key (slot, kid) VALUES (1, $1) ON CONFLICT DO NOTHING", [
      kid,
    ]);
    return (await this.messagingKid()) ?? kid;
  }

  /** The thread of the message `identifier` exchanged with `peer`, if this agent saw it. */
  async threadOf(identifier: string, peer: string): Promise<string | undefined> {
    const parent = await this.#store.one<{ thread_id: string }>(
      `SELECT thread_id FROM identity_messages
       WHERE identifier = $1 AND ((direction = 'in' AND sender = $2) OR (direction = 'out' AND recipient = $2))
       ORDER BY at LIMIT 1`,
      [identifier, peer],
    );
    return parent?.thread_id;
  }

  async insert(m: StoredMessage): Promise<void> {
    await this.#store.exec(
      `INSERT INTO identity_messages
         (direction, sender, recipient, jti, identifier, reply_to, thread_id, type, encrypted, at, message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        m.direction,
        m.sender,
        m.recipient,
        m.jti,
        m.identifier,
        m.replyTo,
        m.threadId,
        m.type,
        m.encrypted ? 1 : 0,
        m.at,
        JSON.stringify(m.message),
      ],
    );
  }

  /** Conversations, the most recently active first: [lastAt, threadId] keyset pages (limit + 1 rows). */
  async conversations(page: KeysetPage): Promise<Conversation[]> {
    const having = page.after ? "HAVING MAX(at) < $1 OR (MAX(at) = $1 AND thread_id < $2)" : "";
    const params = page.after ? [page.after[0], page.after[1], page.limit + 1] : [page.limit + 1];
    const rows = await this.#store.query<{
      thread_id: string;
      peer: string;
      messages: number | string;
      last_at: string;
    }>(
      `SELECT thread_id, MAX(CASE WHEN direction = 'in' THEN sender ELSE recipient END) AS peer,
              COUNT(*) AS messages, MAX(at) AS last_at
       FROM identity_messages GROUP BY thread_id ${having}
       ORDER BY last_at DESC, thread_id DESC LIMIT $${params.length}`,
      params,
    );
    return Promise.all(
      rows.map(async (row) => {
        const last = await this.#store.one<{ type: string }>(
          "SELECT type FROM identity_messages WHERE thread_id = $1 ORDER BY at DESC, jti DESC LIMIT 1",
          [row.thread_id],
        );
        return {
          threadId: row.thread_id,
          peer: row.peer,
          messages: Number(row.messages),
          lastAt: row.last_at,
          lastType: last?.type ?? "",
        };
      }),
    );
  }

  /** The messages of one conversation, oldest first: [at, jti] keyset pages (limit + 1 rows). */
  async thread(threadId: string, page: KeysetPage): Promise<StoredMessage[]> {
    const rows = page.after
      ? await this.#store.query<MessageRow>(
          `SELECT * FROM identity_messages WHERE thread_id = $1 AND (at > $2 OR (at = $2 AND jti > $3))
           ORDER BY at, jti LIMIT $4`,
          [threadId, page.after[0], page.after[1], page.limit + 1],
        )
      : await this.#store.query<MessageRow>(
          "SELECT * FROM identity_messages WHERE thread_id = $1 ORDER BY at, jti LIMIT $2",
          [threadId, page.limit + 1],
        );
    return rows.map(recordOf);
  }

  /** Messages of one type received, newest first (flows look up what a peer presented or granted). */
  async received(type: string, limit: number): Promise<StoredMessage[]> {
    const rows = await this.#store.query<MessageRow>(
      "SELECT * FROM identity_messages WHERE direction = 'in' AND type = $1 ORDER BY at DESC, jti DESC LIMIT $2",
      [type, limit],
    );
    return rows.map(recordOf);
  }
}

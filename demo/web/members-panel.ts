// The Members panel: the host app's own user store for the signed-in organization, pushed live over
// server-sent events and rebuildable from Scalekit's directory API ("Reconcile").
import { MEMBERS_STREAM_PATH, reconcileMembers, type Member } from './api.js';

export interface MembersPanelElements {
  body: HTMLTableSectionElement;
  table: HTMLTableElement;
  empty: HTMLElement;
  feed: HTMLElement;
  reconcile: HTMLButtonElement;
}

export interface MembersPanel {
  /** (Re)subscribe for the organization now in the session cookie. */
  connect(): void;
  disconnect(): void;
}

type FeedState = 'connecting' | 'live' | 'offline' | 'unavailable';

const FEED_TEXT: Record<FeedState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Reconnecting…',
  unavailable: 'Feed unavailable',
};

export function createMembersPanel(ui: MembersPanelElements, onNote: (message: string) => void): MembersPanel {
  let source: EventSource | null = null;

  const setFeed = (state: FeedState) => {
    ui.feed.dataset.state = state;
    ui.feed.textContent = FEED_TEXT[state];
  };

  const render = (members: Member[]) => {
    const rows = [...members]
      .sort((a, b) => Number(b.active) - Number(a.active) || displayName(a).localeCompare(displayName(b)))
      .map(memberRow);
    ui.body.replaceChildren(...rows);
    ui.table.hidden = rows.length === 0;
    ui.empty.hidden = rows.length > 0;
  };

  ui.reconcile.addEventListener('click', async () => {
    ui.reconcile.disabled = true;
    try {
      const { members } = await reconcileMembers();
      render(Array.isArray(members) ? members : []);
      onNote(`Reconciled ${members.length} member${members.length === 1 ? '' : 's'} from the directory API`);
    } catch (error) {
      onNote(`Reconcile failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      ui.reconcile.disabled = false;
    }
  });

  render([]);

  return {
    connect() {
      source?.close();
      render([]);
      setFeed('connecting');
      const stream = new EventSource(MEMBERS_STREAM_PATH);
      source = stream;
      stream.addEventListener('open', () => setFeed('live'));
      stream.addEventListener('members', (event) => {
        const payload = parseMembers((event as MessageEvent<string>).data);
        if (payload) render(payload);
      });
      // EventSource retries on its own; CLOSED means the route refused us (e.g. 404/401), so stop saying "live".
      stream.addEventListener('error', () => setFeed(stream.readyState === EventSource.CLOSED ? 'unavailable' : 'offline'));
    },
    disconnect() {
      source?.close();
      source = null;
      render([]);
      setFeed('connecting');
    },
  };
}

function parseMembers(data: string): Member[] | null {
  try {
    const parsed = JSON.parse(data) as { members?: unknown };
    return Array.isArray(parsed.members) ? (parsed.members as Member[]).filter(isMember) : null;
  } catch {
    return null;
  }
}

function isMember(value: unknown): value is Member {
  const m = value as Member;
  return typeof m === 'object' && m !== null && typeof m.id === 'string' && typeof m.email === 'string';
}

function displayName(member: Member): string {
  const fromParts = [member.givenName, member.familyName].filter(Boolean).join(' ');
  return member.name || fromParts || member.email;
}

function initials(member: Member): string {
  const words = displayName(member).split(/[\s@.]+/).filter(Boolean);
  return (words.slice(0, 2).map((w) => w[0]!.toUpperCase()).join('') || '?');
}

// Directory data comes from a customer's IdP: textContent only, never innerHTML.
export function memberRow(member: Member): HTMLTableRowElement {
  const row = document.createElement('tr');
  row.dataset.memberId = member.id;
  row.dataset.active = String(member.active);

  const nameCell = document.createElement('td');
  const who = document.createElement('div');
  who.className = 'member-name';
  const avatar = document.createElement('span');
  avatar.className = 'avatar small';
  avatar.setAttribute('aria-hidden', 'true');
  avatar.textContent = initials(member);
  const name = document.createElement('span');
  name.textContent = displayName(member);
  who.append(avatar, name);
  nameCell.append(who);

  const emailCell = document.createElement('td');
  emailCell.className = 'member-email';
  emailCell.textContent = member.email;

  const groupsCell = document.createElement('td');
  const groups = document.createElement('div');
  groups.className = 'member-groups';
  groupsCell.append(groups);
  for (const group of Array.isArray(member.groups) ? member.groups : []) {
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = String(group);
    groups.append(tag);
  }

  const statusCell = document.createElement('td');
  const status = document.createElement('span');
  status.className = `member-status ${member.active ? 'active' : 'deactivated'}`;
  status.textContent = member.active ? 'Active' : 'Deactivated';
  statusCell.append(status);

  row.append(nameCell, emailCell, groupsCell, statusCell);
  return row;
}

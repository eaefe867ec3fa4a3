// The live log of scalekit-* events: time, name, detail. Bounded so a long session stays light.
import { clockTime } from './labels.js';

const MAX_ENTRIES = 200;

export interface EventLog {
  add(name: string, detail: unknown, at?: Date): void;
  clear(): void;
}

export function createEventLog(list: HTMLOListElement): EventLog {
  return {
    add(name, detail, at = new Date()) {
      const item = document.createElement('li');
      item.dataset.event = name;
      item.className = `log-entry tone-${toneOf(name)}`;

      const time = document.createElement('time');
      time.dateTime = at.toISOString();
      time.textContent = clockTime(at);

      const label = document.createElement('code');
      label.className = 'log-name';
      label.textContent = name;

      const body = document.createElement('pre');
      body.className = 'log-detail';
      body.textContent = describe(detail);

      item.append(time, label);
      // Raw portal messages repeat what the typed events say; name the event_type and keep the payload short.
      const eventType = (detail as { event_type?: unknown } | null)?.event_type;
      if (name === 'scalekit-portal-message' && typeof eventType === 'string') {
        const sub = document.createElement('span');
        sub.className = 'log-sub';
        sub.textContent = eventType;
        label.after(sub);
        body.title = body.textContent;
      }
      item.append(body);
      list.prepend(item);
      while (list.childElementCount > MAX_ENTRIES) list.lastElementChild?.remove();
    },
    clear() {
      list.replaceChildren();
    },
  };
}

function toneOf(name: string): 'good' | 'bad' | 'warn' | 'info' {
  if (name === 'scalekit-error') return 'bad';
  if (name === 'scalekit-session-warning' || name === 'scalekit-session-expired' || name.endsWith('-disabled')) return 'warn';
  if (name === 'scalekit-ready' || name.endsWith('-enabled')) return 'good';
  return 'info';
}

function describe(detail: unknown): string {
  if (detail === undefined || detail === null) return '';
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

// What each measurement hands back: a table for the markdown report, its targets, and raw figures for JSON.

export interface TargetCheck {
  target: string;
  measured: string;
  /** null when the figure could not be taken. */
  met: boolean | null;
}

export interface BenchSection {
  id: string;
  title: string;
  head: string[];
  rows: (string | number)[][];
  checks: TargetCheck[];
  /** Notes printed under the table: what bounds a figure, what was measured exactly. */
  notes?: string[];
  data: unknown;
}

export function markdownTable(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function verdict(met: boolean | null): string {
  return met === null ? 'n/a' : met ? 'met' : 'missed';
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(2)} KiB`;
}

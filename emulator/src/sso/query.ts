// Strict reading of a query string: a sign-in request is refused when a parameter is repeated, badly
// percent-encoded or too long, instead of silently picking one of several values (which lets a proxy and the
// emulator disagree about which redirect_uri or state a request carries).

export type QueryProblem = { kind: 'encoding' } | { kind: 'repeated'; name: string } | { kind: 'too_long'; name: string };

/** The first value of each parameter, and the first problem met (after which reading goes on, but for bad encoding). */
export interface Query {
  params: Map<string, string>;
  problem: QueryProblem | null;
}

/** Longest value any parameter may have; a few have their own, smaller limit. */
export const MAX_PARAM_LENGTH = 4096;

export function readQuery(url: string, limits: Readonly<Record<string, number>> = {}): Query {
  const start = url.indexOf('?');
  const raw = start === -1 ? '' : url.slice(start + 1).split('#', 1)[0]!;
  const params = new Map<string, string>();
  let problem: QueryProblem | null = null;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      value = decodeURIComponent((eq === -1 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' '));
    } catch {
      return { params: new Map(), problem: { kind: 'encoding' } };
    }
    if (name.length > 64) continue; // no parameter of ours has such a name; ignored like any unknown one
    if (params.has(name)) {
      problem ??= { kind: 'repeated', name };
      continue;
    }
    if (value.length > (limits[name] ?? MAX_PARAM_LENGTH)) {
      problem ??= { kind: 'too_long', name };
      continue;
    }
    params.set(name, value);
  }
  return { params, problem };
}

export function describeProblem(problem: QueryProblem): string {
  switch (problem.kind) {
    case 'encoding':
      return 'the query string is not valid percent-encoded UTF-8';
    case 'repeated':
      return `the parameter ${safeName(problem.name)} appears more than once`;
    case 'too_long':
      return `the parameter ${safeName(problem.name)} is too long`;
  }
}

/** A parameter name as it may appear in a message: printable ASCII, short. */
function safeName(name: string): string {
  return /^[a-z_]{1,40}$/.test(name) ? name : 'with an unusual name';
}

// Reads a server-sent events stream over fetch, for the Members stream tests.

export type ServerSentEvents = AsyncGenerator<{ event: string; data: string }>;

/** Minimal server-sent events reader over fetch: yields `{ event, data }` as they arrive. */
export async function* readEvents(response: Response): ServerSentEvents {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}

import type { DomainRecord } from '../state.js';

/** What the portal page shows of a domain, in its HTML and in the domain routes' answers. */
export function portalDomainView(record: DomainRecord) {
  return { id: record.id, domain: record.domain, status: record.status, txtRecord: { name: record.txtRecordKey, value: record.txtRecordSecret } };
}
